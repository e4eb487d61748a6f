from flask import Flask

app = Flask(__name__)


def healthcheck():
    return "ok"


app.add_url_rule("/health", view_func=healthcheck)


# development only: production runs `gunicorn app:app`
if __name__ == "__main__":
    app.run()
