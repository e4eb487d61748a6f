from blog import app


@app.route("/extras")
def extras_index():
    return "extras"
