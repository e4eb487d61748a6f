from flask import Flask

app = Flask(__name__)


@app.route("/")
def index():
    return "hi"


if __name__ == "__main__":
    app.config["TESTING"] = True
    app.run(debug=True)  # dev only: no deployment file runs this module
