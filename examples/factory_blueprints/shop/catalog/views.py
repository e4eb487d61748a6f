import time

from flask import request

from shop.catalog import catalog


def timed(view):
    # no functools.wraps: every view decorated with @timed is named "wrapper"
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return view(*args, **kwargs)
        finally:
            print(view.__name__, time.perf_counter() - start)
    return wrapper


@catalog.route("/")
@timed
def index():
    return "catalog"


@catalog.route("/search")
@timed
def search():  # FDP010: endpoint "wrapper" again -> AssertionError at import, gunicorn never boots
    return "search: " + request.args.get("q", "")
