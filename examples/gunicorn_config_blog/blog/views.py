"""Routes of the blog."""
from flask import Blueprint, jsonify

bp = Blueprint("blog", __name__)


@bp.route("/")
def index():
    return jsonify(posts=[])


@bp.route("/health")
def health():
    return "ok"
