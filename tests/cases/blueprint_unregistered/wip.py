# a blueprint whose every view is a placeholder: not written yet, not forgotten
from flask import Blueprint

wip = Blueprint("wip", __name__)


# TODO check the token
@wip.route("/check-token")
def check_token():
    pass


@wip.route("/refresh")
def refresh():
    """Refresh the token."""
    raise NotImplementedError("later")


@wip.route("/revoke")
def revoke():
    ...
