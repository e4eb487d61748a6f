from shop.main import bp


@bp.route("/health")
def health():
    return "ok"
