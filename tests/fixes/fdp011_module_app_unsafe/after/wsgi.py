"""The blog, served by gunicorn (deploy/blog.service) behind nginx (deploy/nginx/blog.conf)."""
import os

from flask import Flask, jsonify, request
from werkzeug.middleware.proxy_fix import ProxyFix

app = Flask(__name__)
app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1)
app.config["SECRET_KEY"] = os.environ.get("SECRET_KEY", "")


@app.route("/")
def index():
    return jsonify(client=request.remote_addr)
