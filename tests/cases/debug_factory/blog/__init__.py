from flask import Flask


def create_app(test_config=None):
    app = Flask(__name__)
    app.config["DEBUG"] = True  # expect: FDP003
    if test_config is not None:
        app.config.update(DEBUG=True)  # only for tests: conditional, fine
    return app
