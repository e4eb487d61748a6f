"""Entry point: `gunicorn run:app` in production, `python run.py` on a laptop."""
from server.app import app
from server.website import register_routes

register_routes(app)

if __name__ == "__main__":
    app.run(host="127.0.0.1", port=1234)
