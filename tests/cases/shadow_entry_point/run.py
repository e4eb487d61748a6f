# A developer's launcher that rebinds the imported app: `python run.py` serves the empty one
from flask import Flask

from blog import app

app = Flask(__name__)  # expect: FDP002

if __name__ == "__main__":
    app.run(debug=True)
