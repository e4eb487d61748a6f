from flask import Blueprint

api = Blueprint("api", __name__)
admin = Blueprint("admin", __name__)
