from flask import Flask, Blueprint
from flask_cors import CORS

app = Flask(__name__)
bp = Blueprint("bp", __name__)


@bp.route("/x")
def x():
    return "x"


if '__main__' == __name__:
    @app.route("/")  # expect: FDP001
    def index():
        return "hi"

    @app.errorhandler(404)
    def missing(e):
        return "missing", 404

    app.config["DEBUG"] = True  # a dev-only key under the guard is intended
    CORS(app)
    app.run()
else:
    app.register_blueprint(bp)  # runs on import: not hidden
