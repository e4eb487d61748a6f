from flask import jsonify

from blog import app


@app.route("/")
@app.route("/home")
def home():
    return jsonify(page="home")


@app.route("/about")
def about():
    return jsonify(page="about")
