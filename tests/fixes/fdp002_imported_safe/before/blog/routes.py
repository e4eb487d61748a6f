from flask import Flask

from blog import app

app = Flask(__name__)


@app.route("/")
def index():
    return "hi"
