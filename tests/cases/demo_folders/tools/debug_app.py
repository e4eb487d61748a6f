# Not a demo folder: a module a WSGI server may import, so its import-time settings count.
from flask import Flask

app = Flask(__name__)
app.debug = True  # expect: FDP003
