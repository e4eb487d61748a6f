"""The blog, served by gunicorn (deploy/blog.service) behind nginx (deploy/nginx/blog.conf)."""
import os

from flask import Flask, jsonify, request

app = Flask(__name__)
app.config["SECRET_KEY"] = os.environ.get("SECRET_KEY", "")


@app.route("/")
def index():
    return jsonify(client=request.remote_addr)
