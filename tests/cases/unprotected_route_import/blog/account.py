from blog import app


@app.route("/account")
def account_index():
    return "account"
