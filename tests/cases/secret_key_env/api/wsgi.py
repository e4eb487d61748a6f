import os

from flask import Flask

app = Flask(__name__)  # related: FDP007 (reported at the Dockerfile line)
app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]
