from blog import app


@app.route("/uploads")
def uploads_index():
    return "uploads"
