"""A small app with its key in the source."""
from flask import Flask

app = Flask(__name__)
app.config["SECRET_KEY"] = "change-me"  # TODO rotate


@app.route("/")
def index():
    return "hi"
