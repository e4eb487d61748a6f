import os
import threading

from flask import Flask
from jobs import job

app = Flask(__name__)
job.run(debug=True)  # not a Flask app
threading.Thread(target=print).run()


class Settings:
    debug = False


settings = Settings()
settings.debug = True  # an unrelated object

other = 1
other.run(debug=True)

if os.environ.get("ENV") == "dev":
    app.debug = True  # conditional on the environment: not flagged

if __name__ == "__main__":
    app.run(debug=True)  # guarded; no deployment file runs this module
