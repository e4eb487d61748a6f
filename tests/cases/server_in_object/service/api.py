from threading import Thread

from flask import Flask


class ApiServer:
    def __init__(self, port):
        self.flask_app = Flask(__name__)
        self._register()
        if port:
            Thread(
                target=self.flask_app.run,  # expect: FDP004, FDP005
                kwargs={
                    "host": "localhost", "port": port,
                    "debug": True,  # expect: FDP003
                    "use_reloader": False,
                },
                daemon=True,
            ).start()

    def _register(self):
        @self.flask_app.route("/health")
        def health():
            return "ok"

    def debug_locally(self):
        # nothing the program runs calls this method: not the launch's server
        self.flask_app.run(debug=True)
