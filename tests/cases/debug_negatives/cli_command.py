from flask import Flask

app = Flask(__name__)


@app.cli.command()
def serve():
    app.run(debug=True)  # runs only when a developer types `flask serve`
