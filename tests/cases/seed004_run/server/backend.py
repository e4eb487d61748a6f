class Backend_Api:
    def __init__(self, app, config):
        self.app = app
        self.routes = {"/backend-api/v2/conversation": {"function": self._conversation, "methods": ["POST"]}}

    def _conversation(self):
        return {}
