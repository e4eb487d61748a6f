from flask import Flask

from config import ReportsConfig

app = Flask(__name__)
app.config.from_object(ReportsConfig)
