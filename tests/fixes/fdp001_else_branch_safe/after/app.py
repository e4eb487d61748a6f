from flask import Flask

app = Flask(__name__)

app.config.from_pyfile("settings.cfg")

if __name__ != "__main__":
    app.config.from_object("config.Production")
else:
    app.run()
