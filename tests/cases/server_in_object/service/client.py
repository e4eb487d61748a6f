from .api import ApiServer


def main(argv):
    runner = Runner.create(argv)
    return runner.wait()


class Base:
    def __init__(self, port):
        self.api = ApiServer(port)

    def wait(self):
        return 0


class Runner(Base):
    def __init__(self, port):
        super().__init__(port)

    @staticmethod
    def create(argv):
        return Runner(int(argv[0]) if argv else 5000)
