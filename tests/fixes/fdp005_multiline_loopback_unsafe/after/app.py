import os

from flask import Flask

app = Flask(__name__)

if __name__ == "__main__":
    # container: listen on all interfaces
    app.run(
        host="0.0.0.0",  # noqa: S104  # nosec B104
        port=5000,
        threaded=True,
    )
    # container: listen on all interfaces
    app.run(
        host=os.environ.get("HOST", '0.0.0.0'),  # noqa: S104  # nosec B104
        port=5001,
    )
