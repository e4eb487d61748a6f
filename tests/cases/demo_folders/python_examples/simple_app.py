# A snippet the docs show; no deployment runs it: not production's debug mode or server.
from flask import Flask

app = Flask(__name__)
app.debug = True
app.run()
