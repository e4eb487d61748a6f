"""Flask configuration classes, loaded with app.config.from_object()."""


class Config:
    SECRET_KEY = "3f9a1c7e2b8d4a6f0e1c2b3a4d5e6f70"  # expect: FDP007
    SQLALCHEMY_TRACK_MODIFICATIONS = False


class ProductionConfig(Config):
    DEBUG = False


class DevelopmentConfig(Config):
    DEBUG = True


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing"


config = {
    "production": ProductionConfig,
    "development": DevelopmentConfig,
    "testing": TestingConfig,
}
