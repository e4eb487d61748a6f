from flask import Flask

app = Flask(__name__)  # related: FDP012 (reported at the nginx line)


@app.route("/")
def index():
    return "hi"
