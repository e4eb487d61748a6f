from flask import Blueprint

admin_bp = Blueprint("admin", __name__, url_prefix="/admin")  # expect: FDP008


@admin_bp.route("/")
def dashboard():
    return "admin"


@admin_bp.route("/users")
def users():
    return "users"
