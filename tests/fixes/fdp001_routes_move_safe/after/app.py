from flask import Flask

from views import api

app = Flask(__name__)


# the pages
@app.route("/")
def index():
    return "hi"


app.register_blueprint(api, url_prefix="/api")  # keep this comment

if __name__ == "__main__":
    app.config["SECRET_KEY"] = "dev"
    print("serving on 5000")
    app.run(port=5000)
