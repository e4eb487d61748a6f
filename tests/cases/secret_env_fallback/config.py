import os


class Config:
    # no launch that serves app.py sets SECRET_KEY: the fallback is the key
    SECRET_KEY = os.getenv("SECRET_KEY", "dev-secret-change-me-123")  # expect: FDP007


class AdminConfig:
    # compose passes SECRET_KEY to the admin service: quiet
    SECRET_KEY = os.environ.get("SECRET_KEY", "admin fallback")


class HostedConfig:
    # served from a Procfile: the platform sets config vars outside the repository, quiet
    SECRET_KEY = os.getenv("SECRET_KEY", "hosted fallback")


class PortalConfig:
    # ``get(...) or "literal"``: the same fallback (also when SECRET_KEY is set but empty)
    SECRET_KEY = os.environ.get("SECRET_KEY") or "portal fallback key"  # expect: FDP007


class ReportsConfig:
    # the fallback is computed, not a literal: quiet
    SECRET_KEY = os.environ.get("SECRET_KEY") or os.urandom(24).hex()
