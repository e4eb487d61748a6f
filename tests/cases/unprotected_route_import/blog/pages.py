from blog import app


@app.route("/pages")
def pages_index():
    return "pages"
