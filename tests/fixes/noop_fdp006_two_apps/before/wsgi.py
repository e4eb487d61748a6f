from flask import Flask

site = Flask(__name__)
admin = Flask("admin")
