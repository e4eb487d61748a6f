"""The blog package: ``create_app()`` builds the application."""
import os

from flask import Flask


def create_app(config=None):
    """Application factory; gunicorn calls it through ``wsgi_app = "blog:create_app()"``."""
    app = Flask(__name__)
    app.config["SECRET_KEY"] = os.environ.get("SECRET_KEY", "")
    app.config.update(config or {})

    from .views import bp

    app.register_blueprint(bp)
    return app
