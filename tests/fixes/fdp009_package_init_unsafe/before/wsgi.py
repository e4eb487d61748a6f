from blog import app as application  # noqa: F401
