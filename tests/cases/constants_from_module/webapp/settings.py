# literals the launched scripts read: the run's host and debug are these values
HOST = "127.0.0.1"
DEBUG = True
PUBLIC_HOST = "0.0.0.0"
