from flask import Blueprint

bp = Blueprint("shop", __name__)


@bp.route("/cart")
def cart():
    return "cart"
