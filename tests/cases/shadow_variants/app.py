import flask as f
from flask import Flask as F

try:
    from local_settings import app
except ImportError:
    app = F(__name__)  # fallback when the local module is missing: not a shadow

frontend = f.Flask("frontend")
backend = f.Flask("backend")  # two apps with different names (DispatcherMiddleware): fine

api = F("api")
api = f.Flask("api-v2")  # nothing registered on the first: fine

if f:
    web = F("a")
else:
    web = F("b")  # one binding per branch: fine


def create_app():
    app = F(__name__)  # a factory's local app does not shadow the module's
    return app


site = F("site")


@site.route("/")
def home():
    return "home"


site = F("site")  # expect: FDP002


@site.route("/about")
def about():
    return "about"


config_demo = F("demo")
config_demo = F("demo")  # nothing was registered on the first app: nothing is lost


shop = F("shop")
shop.config["X"] = 1  # configuring the app does not rebind it


@shop.route("/")
def shop_home():
    return "shop"


shop = F("shop")  # expect: FDP002
