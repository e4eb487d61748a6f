"""A small blog that works with `python run.py` and breaks when deployed (see the findings of `check`)."""
from flask import Flask

app = Flask(__name__)
app.config["SECRET_KEY"] = "change-me"

from blog import routes  # noqa: E402,F401  (registers the views on `app`)
