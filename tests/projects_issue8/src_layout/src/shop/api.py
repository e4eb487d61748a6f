from flask import Blueprint
from flask.views import MethodView

api = Blueprint("api", __name__)


class ItemAPI(MethodView):
    def get(self):
        return {}


api.add_url_rule("/items", view_func=ItemAPI.as_view("items"))
api.add_url_rule("/items/<int:id>", view_func=ItemAPI.as_view("items"))  # expect: FDP010
