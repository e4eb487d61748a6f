from blog import app


@app.route("/feeds")
def feeds_index():
    return "feeds"
