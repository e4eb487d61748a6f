import os

SECRET_KEY = "B9yggMGjj54D6nLrgdb9TgyP"
FROM_ENV = os.environ.get("SECRET_KEY", "")

if os.environ.get("STAGE"):
    REBOUND = os.environ["STAGE_KEY"]
else:
    REBOUND = "only-a-fallback"
