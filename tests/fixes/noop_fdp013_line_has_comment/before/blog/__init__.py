from flask import Flask

app = Flask(__name__)

from blog import routes  # registers the views (do not remove)
from blog import (
    admin,
)
