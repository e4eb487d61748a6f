from blog.app import app


@app.route("/")
def index():
    return "index"


@app.route("/posts/<int:post_id>")
def post(post_id):
    return f"post {post_id}"
