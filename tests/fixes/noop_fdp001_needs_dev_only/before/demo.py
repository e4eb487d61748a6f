def seed_demo_data():
    return {"posts": 3}


def make_demo_view(data):
    return lambda: str(data)
