from shop import app  # expect: FDP009


@app.route("/")
def index():
    return "hi"
