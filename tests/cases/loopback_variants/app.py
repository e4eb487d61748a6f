import os

from flask import Flask

HOST = "localhost"
app = Flask(__name__)

if __name__ == "__main__":
    port = int(os.environ.get("PORT", 5000))
    app.run(host=HOST, port=port)  # expect: FDP004, FDP005
    app.run(host=os.environ.get("HOST", "0.0.0.0"), port=port)  # expect: FDP004
    app.run("127.0.0.1")  # expect: FDP004, FDP005
    app.run(host="0.0.0.0")  # expect: FDP004
    app.run(**{"host": "0.0.0.0"})  # expect: FDP004
