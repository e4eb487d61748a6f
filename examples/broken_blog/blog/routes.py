from flask import Flask, jsonify

from blog import app

# A second app "to be safe": every route below attaches to it, and it is never served.
app = Flask(__name__)


@app.route("/")
@app.route("/home")
def home():
    return jsonify(page="home")


@app.route("/about")
def about():
    return jsonify(page="about")
