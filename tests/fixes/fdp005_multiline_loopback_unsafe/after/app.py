import os

from flask import Flask

app = Flask(__name__)

if __name__ == "__main__":
    app.run(
        host="0.0.0.0",  # container: listen on all interfaces  # noqa: S104  # nosec B104
        port=5000,
        threaded=True,
    )
    app.run(host=os.environ.get("HOST", '0.0.0.0'), port=5001)  # container: listen on all interfaces  # noqa: S104  # nosec B104
