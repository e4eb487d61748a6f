from flask import Flask, Blueprint

from app import create_app

unused = Blueprint("unused", __name__)


@unused.route("/x")
def x():
    return "x"


def test_home():
    app = create_app("testing")
    app.config["SECRET_KEY"] = "not-a-finding-in-tests"
    assert app.test_client().get("/").status_code == 200


def test_other():
    app = Flask(__name__)
    app.secret_key = "also-fine"
