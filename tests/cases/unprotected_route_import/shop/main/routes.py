from shop.main import bp


@bp.route("/")
def index():
    return "shop"
