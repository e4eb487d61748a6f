import os

from flask import Flask

DEBUG = True

app = Flask(__name__)
app.debug = True  # expect: FDP003
app.config["DEBUG"] = True  # expect: FDP003
app.config.update(DEBUG=True)  # expect: FDP003
app.config.from_mapping(SECRET_KEY=os.environ.get("SECRET_KEY"), DEBUG=1)  # expect: FDP003
app.config.update({"DEBUG": True})  # expect: FDP003
app.config.from_object(__name__)  # expect: FDP003
app.config["DEBUG"] = os.environ.get("FLASK_DEBUG") == "1"  # decided by the environment: fine
app.config["DEBUG"] = False

# an app.run() on import is one finding (FDP004); once guarded, its debug flag is judged by how the
# deployment runs the file
app.run("0.0.0.0", 8080, True)  # expect: FDP004
app.run(debug=DEBUG)  # expect: FDP004
app.run(use_debugger=True, host="0.0.0.0")  # expect: FDP004
