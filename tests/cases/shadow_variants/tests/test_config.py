from flask import Flask


def test_each_case_gets_a_fresh_app():
    app = Flask(__name__)
    app.config.from_mapping(A=1)
    app = Flask(__name__)  # a test module: not checked
    app.config.from_mapping(B=2)
