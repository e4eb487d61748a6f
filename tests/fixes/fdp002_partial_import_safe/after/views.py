"""Views of the shop."""
from flask import render_template

from shop import app


@app.route("/")
def index():
    return render_template("index.html")
