from flask import Flask

app = Flask(__name__)  # related: FDP003, FDP004 (reported at their docker-compose.yml lines)


@app.route("/")
def index():
    return "hi"
