import functools

from shop import app


def login_required(view):
    @functools.wraps(view)
    def wrapped_view(**kwargs):
        return view(**kwargs)
    return wrapped_view


@app.route("/")
def index():
    return "shop"


@app.route("/orders")
@login_required
def orders():
    return "orders"


@app.route("/cart")
@login_required
def cart():
    return "cart"
