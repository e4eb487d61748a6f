from flask import Flask

app = Flask(__name__)  # related: FDP005 (reported at the Dockerfile line)


@app.route("/")
def index():
    return "hi"


if __name__ == "__main__":
    # gunicorn serves this module (Dockerfile): this block never runs in production
    app.run(debug=True)
