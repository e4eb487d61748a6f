from flask import Flask

app = Flask(__name__)
app.config["X"] = 1
app.config.update(SECRET_KEY="s")
app.config.from_mapping({"TESTING": False})
app.config.update(
    SECRET_KEY="s",
)


@app.route("/")
def index():
    return "hi"
