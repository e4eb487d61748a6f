from shop.main import bp


@bp.route("/plugins")
def plugins():
    return "plugins"
