"""Entry point: `gunicorn run:app` in production, `python run.py` on a laptop."""
from server.app import app
from server.website import register_routes
from werkzeug.middleware.proxy_fix import ProxyFix

app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1)

register_routes(app)

if __name__ == "__main__":
    app.run(host="127.0.0.1", port=1234)
