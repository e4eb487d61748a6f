from flask import Blueprint

# a blueprint without routes (templates and static files only) is not a finding
assets = Blueprint("assets", __name__, static_folder="static")
