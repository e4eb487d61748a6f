# The module gunicorn serves rebinds the imported app: gunicorn gets the new, empty one
from flask import Flask

from blog import app

app = Flask(__name__)  # expect: FDP002
