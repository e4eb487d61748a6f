from flask import Flask

app = Flask(__name__)
app.config.from_mapping(SECRET_KEY="dev")
app.config.from_envvar("BLOG_SETTINGS", silent=True)

from blog import routes  # noqa: E402,F401
