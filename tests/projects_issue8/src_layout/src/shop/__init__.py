from flask import Flask

app = Flask(__name__, instance_relative_config=True)
app.config.from_mapping(SECRET_KEY="dev", DATABASE="shop.sqlite")
app.config.from_prefixed_env()

from shop import views  # noqa: E402,F401
from shop.api import api  # noqa: E402

app.register_blueprint(api, url_prefix="/api")
