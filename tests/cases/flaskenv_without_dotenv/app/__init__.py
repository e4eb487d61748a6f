from flask import Flask

app = Flask(__name__)  # related: FDP004 (reported at the Dockerfile line)


@app.route("/")
def index():
    return "hi"
