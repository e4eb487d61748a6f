from flask import Flask

app = Flask(__name__)


def healthcheck():
    return "ok"


app.add_url_rule("/health", view_func=healthcheck)

import routes  # noqa: E402,F401


# development only: production runs `gunicorn app:app`
if __name__ == "__main__":
    app.run()
