from flask import Flask

app = Flask(__name__)  # related: FDP004, FDP005 (reported at the Procfile line)


@app.route("/")
def index():
    return "hi"
