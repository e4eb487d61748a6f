from flask import Flask

app = Flask(__name__)
print(app.name)

# routes


@app.route("/")
def index():
    return "hi"
