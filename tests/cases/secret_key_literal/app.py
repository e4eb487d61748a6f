from flask import Flask

app = Flask(__name__)
app.config["SECRET_KEY"] = "change-me"  # expect: FDP007


@app.route("/")
def index():
    return "hi"
