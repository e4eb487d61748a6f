# one placeholder beside a real view: the blueprint has a route to serve
from flask import Blueprint

reports = Blueprint("reports", __name__)  # expect: FDP008


@reports.route("/draft")
def draft():
    pass


@reports.route("/summary")
def summary():
    return "summary"
