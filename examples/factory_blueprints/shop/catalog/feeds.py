# FDP009: nothing imports this module, so its route is never added to the blueprint
from flask import Response

from shop.catalog import catalog


@catalog.route("/feed.xml")
def feed():
    return Response("<rss/>", mimetype="application/rss+xml")
