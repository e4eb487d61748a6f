class Website:
    def __init__(self, app):
        self.app = app
        self.routes = {"/": {"function": lambda: "hi", "methods": ["GET"]}}
