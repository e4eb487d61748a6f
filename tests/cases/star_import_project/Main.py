# ``from REST import *`` binds REST's public names: ``server`` is the app, ``socketio`` its SocketIO
from REST import *  # noqa: F403

if __name__ == "__main__":
    socketio.run(server)  # expect: FDP005
