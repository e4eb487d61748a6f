from flask import Flask

app = Flask(__name__)

if __name__ == "__main__":
    app.run(host="0.0.0.0", port=5000)  # container: listen on all interfaces  # noqa: S104  # nosec B104
    app.run(
        host="0.0.0.0",  # container: listen on all interfaces  # noqa: S104  # nosec B104
        port=5001,
    )
