from blog import app


@app.route("/stats")
def stats_index():
    return "stats"
