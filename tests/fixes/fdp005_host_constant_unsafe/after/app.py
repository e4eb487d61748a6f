from flask import Flask

# container: listen on all interfaces
HOST = "0.0.0.0"  # noqa: S104  # nosec B104
app = Flask(__name__)

if __name__ == "__main__":
    app.run(host=HOST)
