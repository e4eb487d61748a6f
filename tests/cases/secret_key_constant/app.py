from flask import Flask

import settings
from my_secrets import API_SECRET_KEY

app = Flask(__name__)
app.config["SECRET_KEY"] = API_SECRET_KEY  # expect: FDP007
app.config["SECRET_KEY_FALLBACK"] = settings.FROM_ENV  # not the key Flask signs with
