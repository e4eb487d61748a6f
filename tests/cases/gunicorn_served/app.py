from flask import Flask

app = Flask(__name__)  # expect: FDP005


@app.route("/")
def index():
    return "hi"


if __name__ == "__main__":
    # gunicorn serves this module (Dockerfile): this block never runs in production
    app.run(debug=True)
