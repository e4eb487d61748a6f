from flask import Flask


def create_app():
    app = Flask(__name__)
    from shop.main import bp
    from shop import hooks   
    app.register_blueprint(bp)
    return app
