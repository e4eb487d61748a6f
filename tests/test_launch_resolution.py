"""How a deployment file's command is resolved to the Python file it runs (the precision issue's
class 2): wrappers (``uv run``, ``poetry run``, ``pipenv run``, ``exec``), a script run directly through
its shebang (``./app.py``, systemd ``ExecStart=/srv/app/www/app.py``), ``python -u``, and the file
found under a nested folder. Each case is a project tree whose launch must reach ``app.run``."""
from __future__ import annotations

from pathlib import Path

import pytest

from flake8_flask_deploy.cli import check_paths
from test_deploy_helpers import context, deploy_findings, make_project, module_findings, rel_lines

DEV_APP = ("from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.route('/')\ndef index():\n    return 'hi'\n\n\n"
           "if __name__ == '__main__':\n    app.run(host='0.0.0.0', debug=True)\n")


@pytest.mark.parametrize("files, launcher", [
    ({"Dockerfile": 'FROM python:3.12\nWORKDIR /app\nCOPY . .\nCMD ["uv", "run", "main.py"]\n'}, "Dockerfile:4"),
    ({"Dockerfile": "FROM python:3.12\nWORKDIR /app\nCOPY . .\nCMD poetry run python -u main.py\n"}, "Dockerfile:4"),
    ({"Dockerfile": 'FROM python:3.12\nWORKDIR /app\nCOPY . .\nCMD ["pipenv", "run", "python", "main.py"]\n'},
     "Dockerfile:4"),
    ({"Dockerfile": 'FROM python:3.12\nWORKDIR /app\nCOPY . .\nCMD ["./main.py"]\n'}, "Dockerfile:4"),
    ({"deploy/app.service": "[Service]\nWorkingDirectory=/srv/app\nExecStart=/srv/app/main.py\n"},
     "deploy/app.service:3"),
])
def test_the_launch_runs_main_py(files: dict, launcher: str, tmp_path: Path) -> None:
    root = make_project(tmp_path, {"main.py": DEV_APP, **files})
    launch = next(x for x in context(root).launches if x.script)
    assert Path(launch.script).name == "main.py"
    found = rel_lines(check_paths([root]).findings, root)
    assert f"{launcher} FDP004" in found and f"{launcher} FDP003" in found  # check shows the launch line too
    module = module_findings(root, "main.py")  # flake8 reports them on the module, naming the launch
    assert {f.code for f in module} >= {"FDP003", "FDP004"}
    assert all(launcher in f.message for f in module if f.code in ("FDP003", "FDP004"))


def test_a_script_name_alone_is_not_a_launch_of_something_else(tmp_path: Path) -> None:
    """``celery -A tasks worker`` or ``./manage.sh`` start no Python file: no launch, no finding."""
    root = make_project(tmp_path, {"main.py": DEV_APP,
                                   "Procfile": "worker: celery -A tasks worker\nrelease: ./manage.sh migrate\n"})
    assert [x for x in context(root).launches if x.script] == []
    assert deploy_findings(root) == []


ENTRYPOINT = """\
#!/bin/bash
set -e

server() {
  exec gunicorn -b 0.0.0.0:5000 app:app
}

case "$1" in
  server)
    shift
    server
    ;;
  dev_server)
    export FLASK_DEBUG=1
    exec ./main.py runserver
    ;;
  debug) export FLASK_DEBUG=1; exec python main.py ;;
  *)
    exec "$@"
    ;;
esac
"""


def test_case_branches_named_for_development_are_not_production(tmp_path: Path) -> None:
    """An entrypoint picks one branch per container: the ``dev_server``/``debug`` branches' commands
    and exports (``FLASK_DEBUG=1``) are not the gunicorn server's (redash's bin/docker-entrypoint)."""
    root = make_project(tmp_path, {"main.py": DEV_APP, "app.py": "from main import app\n",
                                   "docker-entrypoint.sh": ENTRYPOINT,
                                   "Dockerfile": 'FROM python:3.12\nWORKDIR /app\nCOPY . .\n'
                                                 'ENTRYPOINT ["/app/docker-entrypoint.sh"]\nCMD ["server"]\n'})
    launches = [x for x in context(root).launches if x.production]
    assert [x.server for x in launches] == ["gunicorn"]
    assert "FLASK_DEBUG" not in launches[0].env
    assert check_paths([root]).findings == []


MANAGE_SCRIPT = ("from flask_script import Manager\n\nfrom main import app\n\nmanager = Manager(app)\n\n"
                 "if __name__ == '__main__':\n    manager.run()\n")
MANAGE_GROUP = ("import click\nfrom flask.cli import FlaskGroup\n\nfrom main import app\n\n\n"
                "@click.group(cls=FlaskGroup, create_app=lambda: app)\ndef cli():\n    pass\n\n\n"
                "if __name__ == '__main__':\n    cli()\n")


@pytest.mark.parametrize("script, command, reported", [
    (MANAGE_SCRIPT, "python manage.py runserver -h 0.0.0.0", True),  # Flask-Script's development server
    (MANAGE_SCRIPT, "python manage.py db upgrade", False),
    (MANAGE_GROUP, "python manage.py run --host 0.0.0.0", True),  # a FlaskGroup's `run` is `flask run`
    ("import sys\nprint(sys.argv)\n", "python manage.py runserver", False),  # not a Flask management script
])
def test_a_management_script_running_the_dev_server(script: str, command: str, reported: bool, tmp_path: Path) -> None:
    """``manage.py runserver`` (Flask-Script) and ``manage.py run`` (click ``FlaskGroup``) start the
    Werkzeug development server (teracyhq/flask-boilerplate's Dockerfile)."""
    root = make_project(tmp_path, {"main.py": DEV_APP, "manage.py": script,
                                   "Dockerfile": f"FROM python:3.12\nWORKDIR /app\nCOPY . .\nCMD {command}\n"})
    found = [f for f in deploy_findings(root) if f.code == "FDP004"]
    assert [f.line for f in found] == ([4] if reported else [])
    if reported:
        assert "manage.py r" in found[0].message
