from shop import app  # expect: FDP009


@app.get("/reports/daily")
def daily():
    return "daily"
