from flask import Flask

app = Flask(__name__)  # related: FDP005


@app.route("/")
def index():
    return "hi"
