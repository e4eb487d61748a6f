"""Page routes of the blog."""
from flask import jsonify, request

POSTS = [{"id": 1, "title": "Hello from behind nginx"}]


def register_routes(app):
    """Attach the blog's URLs to ``app``."""

    @app.route("/")
    def index():
        return jsonify(posts=POSTS, client=request.remote_addr)

    @app.route("/posts/<int:post_id>")
    def post(post_id):
        found = [p for p in POSTS if p["id"] == post_id]
        return (jsonify(found[0]), 200) if found else ("not found", 404)
