import os

from flask import Flask
from flask_sqlalchemy import SQLAlchemy

from views import api

app = Flask(__name__)
db = SQLAlchemy(app)


def seed_users(database):
    """Add the demo users."""


if __name__ == "__main__":
    app.config.from_object("config.DevelopmentConfig")
    app.secret_key = os.urandom(24)
    app.debug = True
    app.register_blueprint(api)  # the API

    @app.route("/reset-db")
    def reset_db():
        db.drop_all()
        db.create_all()
        return "reset"

    with app.app_context():
        db.create_all()
        seed_users(db)
    app.run()
