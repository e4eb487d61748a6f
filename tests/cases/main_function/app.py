from flask import Flask

from views import admin, api

app = Flask(__name__)


def load_config():
    app.config["SQLALCHEMY_DATABASE_URI"] = "postgresql://db/app"  # expect: FDP001


def main():
    load_config()
    app.register_blueprint(api)
    app.register_blueprint(admin)
    app.run(host="0.0.0.0")


if __name__ == "__main__":
    main()
