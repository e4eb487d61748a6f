from flask import Flask

app = Flask(__name__, instance_relative_config=True)
app.config.from_prefixed_env()


def create_tables():
    """Set up the database (called by `flask init-db`)."""


from shop.admin import reports  # noqa: E402,F401
