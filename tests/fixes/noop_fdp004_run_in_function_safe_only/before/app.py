from flask import Flask

app = Flask(__name__)


def main():
    app.run()


main()
