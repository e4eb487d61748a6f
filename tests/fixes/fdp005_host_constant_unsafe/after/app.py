from flask import Flask

HOST = "0.0.0.0"  # container: listen on all interfaces  # noqa: S104  # nosec B104
app = Flask(__name__)

if __name__ == "__main__":
    app.run(host=HOST)
