from blog import app


@app.route("/search")
def search_index():
    return "search"


def enable():
    return None
