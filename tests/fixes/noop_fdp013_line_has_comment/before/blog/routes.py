from blog import app


@app.route("/routes")
def routes_index():
    return "routes"
