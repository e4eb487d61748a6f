from flask import Flask

app = Flask(__name__)
app.config["DEBUG"] = True  # a test module: not production
app.run(debug=True)
