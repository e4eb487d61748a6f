from shop import app


@app.get("/admin/reports/daily")
def daily():
    return "daily"
