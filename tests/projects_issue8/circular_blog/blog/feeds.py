from blog import app  # expect: FDP009


@app.route("/feed.xml")
def feed():
    return "<rss/>"


@app.route("/sitemap.xml")
def sitemap():
    return "<urlset/>"
