# ``from flask import *`` binds ``Flask`` (and ``request``, ``jsonify``, ...): this is the app
from flask import *

app = Flask(__name__)


@app.route("/")
def index():
    return jsonify(ok=True)


app.run(host="0.0.0.0", port=8000)  # expect: FDP004
