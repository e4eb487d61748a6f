from flask import Flask

app = Flask(__name__)

if __name__ == "__main__":
    app.add_url_rule("/", "index", lambda: "hi")
