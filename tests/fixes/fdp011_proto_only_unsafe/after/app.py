from flask import Flask, redirect, url_for
from werkzeug.middleware.proxy_fix import ProxyFix

app = Flask(__name__)
app.wsgi_app = ProxyFix(app.wsgi_app, x_for=0, x_proto=1)


@app.route("/login")
def login():
    return redirect(url_for("login", _external=True))
