from flask import Flask, request

app = Flask(__name__)  # expect: FDP011


@app.route("/")
def index():
    return request.remote_addr
