from flask import Blueprint, jsonify

api = Blueprint("api", __name__, url_prefix="/api")


@api.get("/posts")
def posts():
    return jsonify(posts=[])
