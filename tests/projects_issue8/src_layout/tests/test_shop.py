from shop import app


def test_index():
    app.config["SECRET_KEY"] = "test"
    assert app.test_client().get("/").status_code == 200
