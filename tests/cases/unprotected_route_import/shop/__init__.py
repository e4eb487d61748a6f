from flask import Flask


def create_app():
    app = Flask(__name__)
    from shop.main import bp as main_bp
    from shop import hooks  # expect: FDP013
    from shop import cart  # the blueprint of this module is registered: the import is used
    app.register_blueprint(main_bp)
    app.register_blueprint(cart.bp)
    return app


def load_plugins():
    from shop import plugins  # not an app factory: not reported
