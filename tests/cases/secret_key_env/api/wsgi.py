import os

from flask import Flask

app = Flask(__name__)  # expect: FDP007
app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]
