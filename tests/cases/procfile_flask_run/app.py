from flask import Flask

app = Flask(__name__)  # expect: FDP004, FDP005


@app.route("/")
def index():
    return "hi"
