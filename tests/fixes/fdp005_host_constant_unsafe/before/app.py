from flask import Flask

HOST = "127.0.0.1"
app = Flask(__name__)

if __name__ == "__main__":
    app.run(host=HOST)
