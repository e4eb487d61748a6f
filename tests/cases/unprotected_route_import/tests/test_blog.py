from blog import routes  # a test file: never reported


def test_home():
    assert True
