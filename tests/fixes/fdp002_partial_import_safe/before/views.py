"""Views of the shop."""
from flask import Flask, render_template

from shop import app

app = Flask(__name__)


@app.route("/")
def index():
    return render_template("index.html")
