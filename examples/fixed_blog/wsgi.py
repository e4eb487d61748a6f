from blog import app

if __name__ == "__main__":
    # local development only: production runs `gunicorn wsgi:app` (Dockerfile, Procfile)
    app.run(debug=True)
