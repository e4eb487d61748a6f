from flask import Flask

app = Flask(__name__)

if __name__ == "__main__":
    # the Dockerfile runs this file with python: the guard runs in production, so the
    # route is not hidden (FDP001 stays quiet); the dev server and its bind are the bugs
    app.add_url_rule("/", view_func=lambda: "hi")
    app.run(port=8080, debug=True)  # expect: FDP003, FDP004, FDP005
