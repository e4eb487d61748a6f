from flask import render_template

from app.main import bp


def log_call(view):
    def wrapper(*args, **kwargs):
        return view(*args, **kwargs)
    return wrapper


@bp.route("/")
@bp.route("/index")
def index():
    return render_template("index.html")


@bp.route("/about")
@log_call
def about():
    return "about"


@bp.route("/contact")  # expect: FDP010
@log_call
def contact():  # the decorator above makes this view `wrapper` too
    return "contact"


@bp.route("/help")  # expect: FDP010
def index():  # noqa: F811
    return "help"
