from flask import Flask, render_template

app = Flask(__name__)  # expect: FDP002


@app.route("/")
def home():
    return render_template("home.html")
