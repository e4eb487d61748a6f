from flask import Flask

app = Flask(__name__)
print(app.name)

# routes
app = Flask(__name__, static_folder="assets")


@app.route("/")
def index():
    return "hi"
