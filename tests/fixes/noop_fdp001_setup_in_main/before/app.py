from flask import Flask

app = Flask(__name__)


def main():
    app.add_url_rule("/", view_func=lambda: "hi")
    app.run()


if __name__ == "__main__":
    main()
