from flask import Blueprint, jsonify

v1 = Blueprint("v1", __name__)


@v1.get("/items")
def items():
    return jsonify([])


@v1.get("/items/<int:item_id>", endpoint="item")
def item(item_id):
    return jsonify({"id": item_id})
