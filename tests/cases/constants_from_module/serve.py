from flask import Flask

from site_settings import LISTEN
from webapp import settings

app = Flask(__name__)

if __name__ == "__main__":
    app.run(host=settings.HOST, port=8000, debug=settings.DEBUG)  # expect: FDP004, FDP005, FDP003
