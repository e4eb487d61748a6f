from flask import Flask

app = Flask(__name__)


@app.route("/")
def index():
    return "hi"


# start the server
app.run(port=8000)  # dev
