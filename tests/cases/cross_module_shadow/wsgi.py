from blog import app

application = app
