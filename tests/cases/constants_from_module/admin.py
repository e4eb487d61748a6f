from flask import Flask

import webapp.settings as conf
from webapp.settings import PUBLIC_HOST

app = Flask(__name__)

if __name__ == "__main__":
    app.run(host=PUBLIC_HOST, port=8001, debug=not conf.DEBUG)  # expect: FDP004
