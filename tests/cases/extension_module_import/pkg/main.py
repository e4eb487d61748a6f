import flask_monitoringdashboard as dashboard
from flask import Flask

app = Flask(__name__)


@app.route("/")
def index():
    return "hi"


if __name__ == "__main__":
    dashboard.bind(app)  # expect: FDP001
    app.run()
