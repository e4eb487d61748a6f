from flask import Flask

app = Flask(__name__)  # expect: FDP006


@app.route("/")
def index():
    return "hi"
