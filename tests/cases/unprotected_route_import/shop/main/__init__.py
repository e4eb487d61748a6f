from flask import Blueprint

bp = Blueprint("main", __name__)

from shop.main import routes  # expect: FDP013
from blog import uploads  # noqa: F401  (also loads blog.uploads)
