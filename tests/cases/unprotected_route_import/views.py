from app import app


@app.route("/v")
def v():
    return "v"
