from flask import Flask

app = Flask(__name__)


@app.route("/")
def index():
    return "hi"


# start the server
if __name__ == "__main__":
    app.run(port=8000)  # dev
