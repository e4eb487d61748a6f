from threading import Thread

from flask import Flask

app = Flask(__name__)


@app.route("/")
def index():
    return "hi"


# a second server in a thread of every gunicorn worker that imports this module
Thread(target=app.run, kwargs={"host": "0.0.0.0", "port": 5001}, daemon=True).start()  # expect: FDP004
