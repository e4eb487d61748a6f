from flask import Flask, redirect, url_for

app = Flask(__name__)


@app.route("/login")
def login():
    return redirect(url_for("login", _external=True))
