# ``flask.app`` is the module that defines Flask, not an application: nothing to report here
from flask import app


def version():
    return app.__name__
