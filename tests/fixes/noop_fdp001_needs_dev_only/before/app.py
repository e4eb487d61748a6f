from flask import Flask

from demo import make_demo_view, seed_demo_data

app = Flask(__name__)

if __name__ == "__main__":
    demo = seed_demo_data()
    app.add_url_rule("/demo", view_func=make_demo_view(demo))
    app.run()
