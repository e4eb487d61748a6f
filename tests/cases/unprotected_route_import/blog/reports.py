from blog import app


@app.route("/reports")
def reports_index():
    return "reports"
