"""A small app with its key in the source."""
from flask import Flask
import os

app = Flask(__name__)
app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]  # TODO rotate


@app.route("/")
def index():
    return "hi"
