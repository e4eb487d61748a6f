from flask import Blueprint

pages = Blueprint("pages", __name__)
admin = Blueprint("admin", __name__)  # expect: FDP008


@pages.route("/")
def index():
    return "hi"


@admin.route("/admin")
def dashboard():
    return "admin"
