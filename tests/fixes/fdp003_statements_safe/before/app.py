from flask import Flask

app = Flask(__name__)
app.debug = True
app.config["DEBUG"] = True; app.config["X"] = 1
app.config.update(DEBUG=True, SECRET_KEY="s")
app.config.from_mapping({"TESTING": False, "DEBUG": True})
app.config.update(
    SECRET_KEY="s",
    DEBUG=True,
)


@app.route("/")
def index():
    return "hi"
