class Post:
    title = ""
