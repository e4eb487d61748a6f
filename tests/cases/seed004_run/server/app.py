from flask import Flask

app = Flask(__name__, template_folder="./../client/html", static_folder="./../client")
