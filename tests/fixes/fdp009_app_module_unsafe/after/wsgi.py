from blog.app import app  # noqa: F401
