import os

from flask import Flask

app = Flask(__name__)
app.config.update(DEBUG=True)
app.config.from_mapping({"DEBUG": True})
with open(os.devnull):
    app.debug = True
