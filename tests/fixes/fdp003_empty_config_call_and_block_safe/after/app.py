import os

from flask import Flask

app = Flask(__name__)
with open(os.devnull):
    pass
