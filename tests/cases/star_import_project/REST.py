# the app reaches Main.py through two ``import *``: this one and core.app's
from core.app import *  # noqa: F403


@server.route("/status")  # noqa: F405
def status():
    return "up"
