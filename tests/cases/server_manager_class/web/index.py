import os

from flask import Flask

app = Flask(__name__)


@app.route("/")
def index():
    return "hello"


class AppManager:
    def __init__(self, app: Flask):
        self.app = app
        self.debug = os.environ.get("WEB_DEBUG", "1") == "1"

    def run(self):
        port = int(os.environ.get("PORT", "5000"))
        if self.debug:
            self.app.run(host="0.0.0.0", port=port, debug=True)  # expect: FDP004
        else:
            self.app.run(host="0.0.0.0", port=port)  # expect: FDP004

    def shell(self):
        # never called by the program: its server is not the launch's
        self.app.run()


if __name__ == "__main__":
    manager = AppManager(app)
    manager.run()
