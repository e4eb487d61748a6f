from flask import Blueprint

bp = Blueprint("cart", __name__)


@bp.route("/cart")
def cart():
    return "cart"
