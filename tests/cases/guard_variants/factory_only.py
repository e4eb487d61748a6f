from flask import Flask


def create_app():
    app = Flask(__name__)
    return app


if __name__ == "__main__":
    # the app only exists under the guard: nothing is hidden from a server that imports it
    app = create_app()
    app.add_url_rule("/", view_func=lambda: "hi")
    app.run()
