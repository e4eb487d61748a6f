from flask import Flask

from config import PortalConfig

app = Flask(__name__)
app.config.from_object(PortalConfig)
