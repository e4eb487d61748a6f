"""What a launched script reaches (deploy/reach.py): the call graph read from the project's files,
bounded, and never raising on what it cannot follow."""
from __future__ import annotations

from pathlib import Path

from flake8_flask_deploy import project
from flake8_flask_deploy.deploy.reach import MAX_REACHED, reached_calls
from flake8_flask_deploy.session import new_session

from test_deploy_helpers import write_files


def reach(root: Path, script: str = "main.py") -> list:
    new_session()
    found = reached_calls(str(root / script), lambda dotted: project.dotted_to_file(str(root), dotted))
    return [(Path(path).relative_to(root).as_posix(), name) for path, name in found]


def test_cycles_end_and_each_function_is_listed_once(tmp_path: Path) -> None:
    root = write_files(tmp_path, {
        "main.py": "from loop import ping\n\nif __name__ == '__main__':\n    ping()\n",
        "loop.py": "def ping():\n    pong()\n\n\ndef pong():\n    ping()\n",
    })
    assert reach(root) == [("loop.py", "ping"), ("loop.py", "pong")]


def test_a_long_chain_stops_at_the_bound(tmp_path: Path) -> None:
    """A chain longer than MAX_REACHED bodies is followed no further (a bound on the work): the last
    functions are not listed, and nothing raises."""
    count = MAX_REACHED + 20
    chain = "\n\n".join(f"def f{i}():\n    f{i + 1}()" for i in range(count)) + f"\n\n\ndef f{count}():\n    pass\n"
    root = write_files(tmp_path, {"main.py": "import chain\n\nchain.f0()\n", "chain.py": chain})
    names = [name for _path, name in reach(root)]
    assert names[:3] == ["f0", "f1", "f2"]
    assert f"f{count}" not in names and len(names) <= MAX_REACHED


def test_what_cannot_be_followed_is_left_out(tmp_path: Path) -> None:
    """Calls through other objects, callbacks, names from outside the project, a module that does
    not parse and a script that does not parse: nothing listed for them, no error."""
    root = write_files(tmp_path, {
        "main.py": ("import json\nimport broken\nfrom handlers import table\n\n"
                    "json.dumps({})\nbroken.run()\ntable['serve']()\ngetattr(broken, 'x')()\n"),
        "broken.py": "def run(:\n",
        "handlers.py": "def serve():\n    pass\n\n\ntable = {'serve': serve}\n",
    })
    assert reach(root) == []
    write_files(tmp_path, {"main.py": "def oops(:\n"})
    assert reach(root) == []


def test_methods_through_classes_and_instances(tmp_path: Path) -> None:
    """``Class()`` reaches ``__init__`` (inherited from a base of another module), a local made from
    a class reaches the methods called on it, ``self.`` reaches the class's own methods."""
    root = write_files(tmp_path, {
        "main.py": "from svc import Service\n\nif __name__ == '__main__':\n    s = Service()\n    s.start()\n",
        "base.py": "class Base:\n    def __init__(self):\n        self.ready = True\n",
        "svc.py": ("from base import Base\n\n\nclass Service(Base):\n    def start(self):\n        self.serve()\n\n"
                   "    def serve(self):\n        pass\n\n    def unused(self):\n        pass\n"),
    })
    assert reach(root) == [("base.py", "Base.__init__"), ("svc.py", "Service.start"), ("svc.py", "Service.serve")]
