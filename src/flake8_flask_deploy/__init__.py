"""flake8-flask-deploy: finds the Flask bugs that work with ``python app.py`` and fail when deployed."""
__version__ = "0.1.0"
