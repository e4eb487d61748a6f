from flask import Flask


def create_app():  # expect: FDP005
    app = Flask(__name__)
    app.config["DEBUG"] = True  # expect: FDP003
    return app


if __name__ == "__main__":
    create_app().run(port=5003)
