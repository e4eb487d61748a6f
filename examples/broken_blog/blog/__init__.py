"""A small blog, the way seeds 000 and 004 wrote it: works with `python run.py`, breaks when deployed."""
from flask import Flask

app = Flask(__name__)
app.config["SECRET_KEY"] = "change-me"

from blog import routes  # noqa: E402,F401  (registers the views on `app`)
