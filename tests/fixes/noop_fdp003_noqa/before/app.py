from flask import Flask

app = Flask(__name__)
app.debug = True  # noqa: FDP003
app.config["DEBUG"] = True  # noqa
