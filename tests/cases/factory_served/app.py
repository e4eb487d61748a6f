from flask import Flask


def create_app():  # related: FDP005 (reported at the Dockerfile line)
    app = Flask(__name__)
    app.config["DEBUG"] = True  # expect: FDP003
    return app


if __name__ == "__main__":
    create_app().run(port=5003)
