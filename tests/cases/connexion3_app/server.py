from connexion import FlaskApp

# connexion 3: ``FlaskApp.run()`` serves with uvicorn (not the Werkzeug development server), on
# uvicorn's default host 127.0.0.1 unless told otherwise: unreachable through the published port
app = FlaskApp(__name__, specification_dir="openapi/")
app.add_api("petstore.yaml")

if __name__ == "__main__":
    app.run(port=8080)  # expect: FDP005
