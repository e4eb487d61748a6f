from server.app import app
