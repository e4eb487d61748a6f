"""Flask settings classes, loaded by create_app() with app.config.from_object()."""


class Base:
    # FDP007: every production deployment signs sessions with this published key
    SECRET_KEY = "k8s-prod-2f1d9c0b7a6e5d4c3b2a1908"
    SQLALCHEMY_DATABASE_URI = "sqlite:///shop.db"


class Production(Base):
    PREFERRED_URL_SCHEME = "https"


class Development(Base):
    DEBUG = True


class Testing(Base):
    TESTING = True
    SECRET_KEY = "testing"  # not a finding: a test config


settings = {"production": Production, "development": Development, "testing": Testing}
