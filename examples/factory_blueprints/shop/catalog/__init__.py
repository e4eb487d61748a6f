from flask import Blueprint

catalog = Blueprint("catalog", __name__)

from shop.catalog import views  # noqa: E402,F401  (registers the views; keep it)
