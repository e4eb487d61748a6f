"""The same blog, deployed correctly: one app, all set-up at import, a WSGI server in production."""
import os

from flask import Flask

app = Flask(__name__)
app.config["SECRET_KEY"] = os.environ.get("SECRET_KEY", "dev")
app.config.from_pyfile("settings.cfg", silent=True)

from blog import routes  # noqa: E402,F401  (registers the views on `app`)
from blog.api import api  # noqa: E402

app.register_blueprint(api)
