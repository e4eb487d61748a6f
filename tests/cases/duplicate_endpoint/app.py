from flask import Flask

app = Flask(__name__)


@app.route("/")
def index():
    return "home"


@app.route("/about")  # expect: FDP010
def index():
    return "about"
