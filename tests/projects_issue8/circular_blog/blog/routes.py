from flask import render_template

from blog import app
from blog.models import Post


@app.route("/")
@app.route("/home")
def home():
    return render_template("home.html", posts=Post.query.all())


@app.route("/about")
def about():
    return render_template("about.html", title="About")
