import connexion

# connexion 2: ``App.run(port, server, debug, host)`` serves with Flask's ``app.run`` (the Werkzeug
# development server) on ``host or "0.0.0.0"``: reachable, but not a production server
app = connexion.App(__name__, specification_dir="openapi/")
app.add_api("petstore.yaml")

if __name__ == "__main__":
    app.run(port=8080)  # expect: FDP004
