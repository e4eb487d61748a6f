"""The blog's app factory: gunicorn serves "blog:create_app()" (deploy/blog.service)."""
from flask import Flask

from .views import bp
from werkzeug.middleware.proxy_fix import ProxyFix


def create_app(config=None):
    """Build the app; ``config`` overrides the settings read from the environment."""
    app = Flask(__name__, instance_relative_config=True)
    app.wsgi_app = ProxyFix(
        app.wsgi_app, x_for=1, x_proto=1, x_host=1, x_prefix=1
    )
    app.config.from_prefixed_env()
    if config:
        app.config.update(config)
    app.register_blueprint(bp)
    return app
