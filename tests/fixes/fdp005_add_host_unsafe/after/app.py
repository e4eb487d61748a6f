from flask import Flask

app = Flask(__name__)

if __name__ == "__main__":
    # container: listen on all interfaces
    app.run(host="0.0.0.0", port=5000)  # start  # noqa: S104  # nosec B104
