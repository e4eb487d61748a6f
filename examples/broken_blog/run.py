from blog import app
from blog.api import api

if __name__ == "__main__":
    # set-up that only runs with `python run.py`
    app.register_blueprint(api)
    app.config.from_pyfile("settings.cfg", silent=True)
    print("Running on port 5000")
    app.run(port=5000, debug=True)
