from flask import Flask, render_template
from blog import app, db

app = Flask(__name__)  # expect: FDP002


@app.route("/")
@app.route("/home")
def home():
    return render_template("home.html")


app = Flask(__name__)  # expect: FDP002


@app.route("/about")
def about():
    return render_template("about.html", title="About")
