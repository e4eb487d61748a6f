from flask import Flask

app = Flask(__name__)


@app.route("/health")
def health():
    return "ok"


# routes
app = Flask(__name__, static_folder="assets")


@app.route("/")
def index():
    return "hi"
