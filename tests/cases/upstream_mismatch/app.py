from flask import Flask

app = Flask(__name__)  # expect: FDP012


@app.route("/")
def index():
    return "hi"
