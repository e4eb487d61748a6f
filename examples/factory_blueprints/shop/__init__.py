import os

from flask import Flask

from shop.settings import settings


def create_app(name=None):
    app = Flask(__name__)
    app.config.from_object(settings[name or os.environ.get("SHOP_SETTINGS", "production")])

    from shop.auth import auth
    from shop.catalog import catalog

    for blueprint in (auth, catalog):
        app.register_blueprint(blueprint)
    # FDP008: shop/admin/views.py defines `admin`, with routes, and nothing registers it
    return app
