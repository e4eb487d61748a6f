from flask import Blueprint

from .v1 import v1

api_bp = Blueprint("api", __name__)
api_bp.register_blueprint(v1, url_prefix="/v1")
