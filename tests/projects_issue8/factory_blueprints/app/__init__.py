import os

from flask import Flask

from app.config import config


def create_app(config_name=None):
    app = Flask(__name__)
    app.config.from_object(config[config_name or os.environ.get("APP_CONFIG", "production")])

    from app.main import bp as main_bp
    from app.auth import auth_bp
    from app.api import api_bp
    from app import shop

    app.register_blueprint(main_bp)
    for blueprint in (auth_bp, api_bp):
        app.register_blueprint(blueprint, url_prefix="/" + blueprint.name)
    for module, prefix in [(shop, "/shop")]:
        app.register_blueprint(module.bp, url_prefix=prefix)
    return app
