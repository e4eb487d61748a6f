"""The blog package: the app, then the views module for the routes it adds."""
from flask import Flask

app = Flask(__name__)
app.config.from_prefixed_env()

from blog import routes
