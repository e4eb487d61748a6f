from flask import Flask

from views import pages

app = Flask(__name__)
app.register_blueprint(pages)
