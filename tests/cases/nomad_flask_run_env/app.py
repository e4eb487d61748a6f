from flask import Flask

app = Flask(__name__)  # related: FDP004, FDP003


@app.route("/")
def index():
    return "hi"
