from flask import Flask

import settings

LOCAL_KEY = "also-in-the-repository"

app = Flask(__name__)
app.secret_key = settings.SECRET_KEY  # expect: FDP007


def create_from_env():
    other = Flask("other")
    other.config["SECRET_KEY"] = settings.FROM_ENV  # read from the environment: quiet
    return other


def create_rebound():
    other = Flask("rebound")
    other.config["SECRET_KEY"] = settings.REBOUND  # bound twice, the literal only a fallback: quiet
    return other


def create_local():
    local = Flask("local")
    local.config.update(SECRET_KEY=LOCAL_KEY)  # expect: FDP007
    return local


application = create_local()
from_env = create_from_env()
rebound = create_rebound()
