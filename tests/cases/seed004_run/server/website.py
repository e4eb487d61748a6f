class Website:
    def __init__(self, app):
        self.app = app
        self.routes = {"/": {"function": self._index, "methods": ["GET"]}}

    def _index(self):
        return "index"
