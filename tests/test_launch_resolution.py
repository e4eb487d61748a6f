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
    findings = check_paths([root]).findings
    found = rel_lines(findings, root)
    assert "main.py:12 FDP004" in found and "main.py:12 FDP003" in found  # one finding each, in Python
    for finding in findings:  # naming the launch line as related (issue 24: not repeated there)
        assert finding.related is not None and Path(finding.related.path).relative_to(root).as_posix() == \
            launcher.rpartition(":")[0] and finding.related.line == int(launcher.rpartition(":")[2])
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


def test_deployment_files_in_a_development_folder_are_not_production(tmp_path: Path) -> None:
    """``supervisor/conf.d/DEVELOPMENT/app.conf`` is the development setup, as a file named
    ``docker-compose.dev.yml`` is (ip0000h/flask-docker-compose)."""
    root = make_project(tmp_path, {
        "main.py": DEV_APP,
        "supervisor/conf.d/DEVELOPMENT/app.conf": "[program:app]\ncommand=python /app/main.py\n",
        "supervisor/conf.d/PRODUCTION/app.conf": "[program:app]\ncommand=gunicorn -b 0.0.0.0:8000 main:app\n"})
    launches = {Path(x.source.path).parent.name: x.production for x in context(root).launches}
    assert launches == {"DEVELOPMENT": False, "PRODUCTION": True}


def test_a_wrapper_before_sh_c_does_not_hide_the_command(tmp_path: Path) -> None:
    """``ENTRYPOINT ["dumb-init", "--"]`` + ``CMD ["sh", "-c", "nginx && python -m flask run"]``: the
    wrapper runs the shell, whose last command is the development server."""
    root = make_project(tmp_path, {"app.py": DEV_APP, "Dockerfile": (
        'FROM python:3.12\nWORKDIR /app\nCOPY . .\nENTRYPOINT ["/usr/bin/dumb-init", "--"]\n'
        'CMD ["sh", "-c", "nginx && .venv/bin/python -m flask run -h 0.0.0.0"]\n')})
    assert "Dockerfile:5 FDP004" in rel_lines(check_paths([root]).findings, root)


@pytest.mark.parametrize("own_dockerfile", [False, True])
def test_a_sub_project_that_launches_nothing_belongs_to_the_repository_that_builds_it(
        own_dockerfile: bool, tmp_path: Path) -> None:
    """``api/pyproject.toml`` without deployment files of its own, built by the repository's
    Dockerfile (``COPY api /app``): the repository's project, whose Dockerfile runs it. With a
    Dockerfile of its own, the sub-project stays a project of its own (the top one is not read)."""
    files = {".git/HEAD": "ref: refs/heads/main\n", "api/pyproject.toml": "", "api/app.py": DEV_APP,
             "Dockerfile": 'FROM python:3.12\nWORKDIR /app\nCOPY api /app\nCMD ["flask", "run", "-h", "0.0.0.0"]\n'}
    if own_dockerfile:
        files["api/Dockerfile"] = 'FROM python:3.12\nWORKDIR /app\nCOPY . .\nCMD ["gunicorn", "-b", "0.0.0.0:8000", "app:app"]\n'
    root = make_project(tmp_path, files)
    found = rel_lines(check_paths([str(Path(root) / "api" / "app.py")]).findings, root)
    assert ("Dockerfile:4 FDP004" in found) is not own_dockerfile


PY2_PACKAGE = ("from flask import Flask\nfrom flask.ext.script import Manager, Server\n\napp = Flask(__name__)\n"
               "manager = Manager(app)\nmanager.add_command('runserver', Server(host='0.0.0.0', port=8080))\n"
               "print 'loaded'\n")


@pytest.mark.parametrize("command, codes", [
    ("python manage.py runserver", {"FDP004"}),  # the registered Server(host='0.0.0.0') is the default
    ("python manage.py runserver -h 127.0.0.1", {"FDP004", "FDP005"}),
    ("python manage.py db upgrade && python manage.py runserver -d", {"FDP003", "FDP004"}),
    ("python manage.py shell", set()),
])
def test_flask_script_runserver_of_a_python2_manager(command: str, codes: set, tmp_path: Path) -> None:
    """A Flask-Script manager made in a package (Python 2, so read as text) and run by manage.py."""
    root = make_project(tmp_path, {
        "site/__init__.py": PY2_PACKAGE,
        "manage.py": "from site import manager\n\nif __name__ == '__main__':\n    manager.run()\n",
        "Dockerfile": f"FROM python:2.7\nWORKDIR /app\nCOPY . .\nCMD {command}\n",
    })
    found = {f.code for f in check_paths([root]).findings if Path(f.path).name == "Dockerfile"}
    assert found == codes
    served = [x for x in context(root).launches if x.serves_with]
    assert [(x.binds[0].host, x.binds[0].port) for x in served if codes] == \
        ([("127.0.0.1" if "127.0.0.1" in command else "0.0.0.0", "8080")] if codes else [])


GROUP_CLI = ("import click\nfrom flask.cli import FlaskGroup\n\n\n@click.group(cls=FlaskGroup)\ndef cli():\n"
             "    pass\n")


@pytest.mark.parametrize("declared", [
    {"pyproject.toml": '[project]\nname = "site"\n[project.scripts]\nsited = "site.cli:cli"\n'},
    {"setup.cfg": "[options.entry_points]\nconsole_scripts =\n    sited = site.cli:cli\n"},
    {"pyproject.toml": '[tool.poetry]\nname = "site"\n[tool.poetry.scripts]\nsited = "site.cli:cli"\n'},
])
def test_a_flask_group_console_script_is_flask_run(declared: dict, tmp_path: Path) -> None:
    """``sited run`` where ``sited`` is the project's FlaskGroup is ``flask run`` (app found as flask
    finds it: FLASK_APP here); FLASK_SKIP_DOTENV=1 keeps .flaskenv's FLASK_DEBUG out."""
    root = make_project(tmp_path, {
        "site/__init__.py": "", "site/cli.py": GROUP_CLI, "wsgi.py": DEV_APP, ".flaskenv": "FLASK_DEBUG=1\n",
        "requirements.txt": "flask\npython-dotenv\n",
        "Dockerfile": "FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install .\nENV FLASK_APP=wsgi FLASK_SKIP_DOTENV=1\n"
                      'CMD ["sited", "run", "--host", "0.0.0.0"]\n', **declared})
    launch = next(x for x in context(root).launches if x.kind == "dockerfile")
    assert (launch.server, launch.module, launch.options.get("cli")) == ("flask-run", "wsgi", "sited")
    assert "FLASK_DEBUG" not in launch.env
    assert rel_lines(deploy_findings(root), root) == ["Dockerfile:6 FDP004"]


OWN_RUNSERVER = ("from flask import Flask\nfrom flask_script import Manager\n\napp = Flask(__name__)\n"
                 "manager = Manager(app)\n\n\n@manager.command\ndef runserver():\n"
                 "    app.run(debug=True, host='0.0.0.0', port=5000)\n\n\nif __name__ == '__main__':\n    manager.run()\n")


def test_a_managers_own_runserver_command_is_read(tmp_path: Path) -> None:
    """A manager's own ``runserver`` replaces Flask-Script's: its ``app.run(...)`` gives the bind and debug."""
    root = make_project(tmp_path, {"manage.py": OWN_RUNSERVER,
                                   "Dockerfile": "FROM python:3.12\nWORKDIR /app\nCOPY . .\nCMD python manage.py runserver\n"})
    assert rel_lines(deploy_findings(root), root) == ["Dockerfile:4 FDP003", "Dockerfile:4 FDP004"]
    found = [f for f in deploy_findings(root) if f.code == "FDP003"]
    assert "`runserver` (Flask-Script) with debug on serves the interactive Werkzeug debugger" in found[0].message


@pytest.mark.parametrize("volumes, production", [
    ("    volumes:\n      - .:/app\n", False),  # live code: the developer's stack
    ("    volumes:\n      - type: bind\n        source: ./\n        target: /app\n", False),
    ("    volumes:\n      - data:/var/lib/data\n", True),  # a named volume is no source mount
    ("", True),
])
def test_a_dev_server_on_live_code_beside_a_wsgi_deployment_is_not_production(
        volumes: str, production: bool, tmp_path: Path) -> None:
    """compose runs ``python manage.py runserver`` on the bind-mounted source while the Procfile
    serves the app with gunicorn: the compose service is the developer's stack."""
    compose = f"services:\n  app:\n    build: .\n    command: python manage.py runserver\n{volumes}" \
              "    ports:\n      - 5000:5000\n"
    root = make_project(tmp_path, {"manage.py": OWN_RUNSERVER, "docker-compose.yml": compose,
                                   "Dockerfile": "FROM python:3.12\nWORKDIR /app\nCOPY . .\n",
                                   "Procfile": "web: gunicorn manage:app\n"})
    launch = next(x for x in context(root).launches if x.kind == "compose")
    assert launch.production is production
    assert bool([f for f in deploy_findings(root) if f.code == "FDP004"]) is production


def test_python_m_package_runs_its_main_module(tmp_path: Path) -> None:
    """``python -m site`` runs ``webapp/__main__.py`` as ``__main__`` (its ``__init__`` is only imported):
    the development server started there is the container's."""
    root = make_project(tmp_path, {
        "webapp/__init__.py": "from flask import Flask\n\napp = Flask(__name__)\n",
        "webapp/__main__.py": "from webapp import app\n\nif __name__ == '__main__':\n    app.run(host='0.0.0.0')\n",
        "Dockerfile": 'FROM python:3.12\nWORKDIR /app\nCOPY . .\nCMD ["python", "-m", "webapp"]\n'})
    launch = next(x for x in context(root).launches if x.kind == "dockerfile")
    assert Path(launch.script).relative_to(root).as_posix() == "webapp/__main__.py"
    assert "webapp/__main__.py:4 FDP004" in rel_lines(check_paths([root]).findings, root)


@pytest.mark.parametrize("setup_files", [
    {"setup.py": "from setuptools import setup\n\nsetup(name='svc', scripts=['bin/serve'])\n"},
    {"setup_examples.py": "from setuptools import setup\nsetup(name='svc', scripts=('bin/serve',))\n"},
    {"setup.cfg": "[metadata]\nname = svc\n\n[options]\nscripts =\n    bin/serve\n"},
])
def test_an_installed_script_runs_its_file(setup_files: dict, tmp_path: Path) -> None:
    """A command named like a script the project installs (setuptools ``scripts=``) runs that file
    as ``__main__``: its ``app.run`` is the container's server."""
    serve = DEV_APP.replace("from flask", "#!/usr/bin/env python3\nfrom flask", 1)
    root = make_project(tmp_path, {"bin/serve": serve, **setup_files,
                                   "Dockerfile": 'FROM python:3.12\nCOPY . /src\nRUN pip install /src\nCMD ["serve"]\n'})
    launch = next(x for x in context(root).launches if x.script)
    assert Path(launch.script).relative_to(root).as_posix() == "bin/serve"
    assert launch.runs_as_main
    found = rel_lines(check_paths([root]).findings, root)  # the script has no .py: check lints it anyway
    assert "bin/serve:13 FDP004" in found and "bin/serve:13 FDP003" in found


def test_an_installed_shell_script_or_other_name_is_not_a_python_launch(tmp_path: Path) -> None:
    """Only Python files count (a shell script in ``scripts=`` is not run with python), and only the
    bare name found on PATH (``./bin/serve`` is the file in the working folder, read as before)."""
    root = make_project(tmp_path, {
        "bin/serve": "#!/bin/sh\nexec gunicorn app:app\n", "bin/other": DEV_APP,
        "setup.py": "from setuptools import setup\nsetup(name='svc', scripts=['bin/serve', 'bin/missing'])\n",
        "Procfile": "web: serve\nworker: missing --now\n"})
    assert [x for x in context(root).launches if x.script] == []


def test_a_pyvenv_cfg_alone_does_not_hide_an_app(tmp_path: Path) -> None:
    """The precision issue's class 9: a committed ``pyvenv.cfg`` in an app's folder is not a
    virtualenv; its module is checked (here an ``app.run()`` that gunicorn would execute on import)."""
    root = make_project(tmp_path, {"web/pyvenv.cfg": "home = /usr/bin\n",
                                   "web/app.py": "from flask import Flask\n\napp = Flask(__name__)\napp.run()\n",
                                   "Procfile": "web: gunicorn web.app:app\n"})
    report = check_paths([root])
    assert rel_lines(report.findings, root) == ["web/app.py:4 FDP004"]
    assert report.warnings == []


def test_a_virtualenv_is_skipped_by_its_layout_and_said(tmp_path: Path) -> None:
    """A folder with ``pyvenv.cfg``, ``bin/`` and ``lib/`` is a virtualenv: not checked, and the
    report says so (one warning), rather than hiding files silently."""
    root = make_project(tmp_path, {"env38/pyvenv.cfg": "home = /usr/bin\n", "env38/bin/activate": "",
                                   "env38/lib/python3.8/site-packages/dev.py": "from flask import Flask\n"
                                   "app = Flask(__name__)\napp.run(debug=True)\n",
                                   "app.py": "from flask import Flask\n\napp = Flask(__name__)\n",
                                   "Procfile": "web: gunicorn app:app\n"})
    report = check_paths([root])
    assert report.findings == []
    assert [(Path(path).relative_to(root).as_posix(), message) for path, message in report.warnings] == [
        ("env38", "a virtualenv (pyvenv.cfg, bin/, lib/): its files are not checked")]
