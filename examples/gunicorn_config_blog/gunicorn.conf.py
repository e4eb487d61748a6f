"""gunicorn settings (https://docs.gunicorn.org/en/stable/settings.html)."""
import multiprocessing
import os

wsgi_app = "blog:create_app()"
bind = "0.0.0.0:" + os.environ.get("PORT", "8000")
workers = multiprocessing.cpu_count() * 2 + 1
accesslog = "-"
errorlog = "-"
