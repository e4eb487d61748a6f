import os

from flask import Flask
from flask_sqlalchemy import SQLAlchemy

app = Flask(__name__)
app.config["SECRET_KEY"] = "be35984218226b31d6ca0bf1ccefdaf78e47c9181177a41a"  # expect: FDP007
basedir = os.path.abspath(os.path.dirname(__file__))
app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(basedir, "blog.db")
db = SQLAlchemy(app)

from blog import routes  # noqa: E402,F401
