import os

# not a literal: what the environment says (its default is public)
LISTEN = os.environ.get("LISTEN", "0.0.0.0")
