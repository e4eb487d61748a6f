"""The blog application object."""
import os

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

app = Flask(__name__)
app.config["SECRET_KEY"] = os.environ.get("SECRET_KEY", "")
# nginx sets one X-Forwarded-For / X-Forwarded-Proto hop in front of gunicorn
app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1)
