from flask import Blueprint, jsonify, request, url_for

bp = Blueprint("blog", __name__)


@bp.route("/")
def index():
    return jsonify(client=request.remote_addr, me=url_for("blog.index", _external=True))
