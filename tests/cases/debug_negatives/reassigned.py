from flask import Flask

app = Flask(__name__)
app = 1
app.run(debug=True)  # `app` is no longer a Flask app here
