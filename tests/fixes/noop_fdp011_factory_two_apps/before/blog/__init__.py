"""The blog's app factory: gunicorn serves "blog:create_app()" (deploy/blog.service)."""
from flask import Flask

from .views import bp


def create_app(config=None):
    """Build the app; a test configuration gets its own instance folder."""
    if config and config.get("TESTING"):
        app = Flask(__name__, instance_path="/tmp/blog-tests")
    else:
        app = Flask(__name__, instance_relative_config=True)
    app.register_blueprint(bp)
    return app
