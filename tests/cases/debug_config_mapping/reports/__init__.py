import os

from flask import Flask

from config import config_by_name

app = Flask(__name__)
# the key is read at run time: the deployment chooses, quiet
app.config.from_object(config_by_name[os.environ.get("APP_ENV", "prod")])
