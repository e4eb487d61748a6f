from blog import app


@app.route("/api")
def api_index():
    return "api"
