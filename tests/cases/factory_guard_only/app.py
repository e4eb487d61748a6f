from flask import Flask


def create_app():
    app = Flask(__name__)
    app.config["DEBUG"] = True  # only the guard builds this app: a development script
    return app


if __name__ == "__main__":
    create_app().run(port=5003)
