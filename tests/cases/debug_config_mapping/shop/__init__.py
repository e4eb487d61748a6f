from flask import Flask

from config import config_by_name

app = Flask(__name__)
# the key is a literal: this always loads DevelopmentConfig (DEBUG = True) in the served app
app.config.from_object(config_by_name["dev"])  # expect: FDP003
