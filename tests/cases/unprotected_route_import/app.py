from flask import Flask

app = Flask(__name__)

import views  # expect: FDP013
