"""The deployment context built from whole projects on disk: every reader, and how commands are
followed through start scripts, config files and environment files."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

from flake8_flask_deploy.deploy import readers
from flake8_flask_deploy.model import Bind

from test_deploy_helpers import FLASK_APP, context, make_project, sample

WSGI = "from app import app\n"


def only(ctx):
    assert len(ctx.launches) == 1, ctx.launches
    return ctx.launches[0]


def test_seed_004_systemd_unit_behind_nginx(tmp_path):
    root = make_project(tmp_path, {
        "server/__init__.py": "", "server/app.py": FLASK_APP, "run.py": "from server.app import app\n",
        "deploy/blog.service": sample("blog.service"), "deploy/nginx/blog.conf": sample("blog-site.conf"),
    })
    ctx = context(root)
    launch = only(ctx)
    assert (launch.server, launch.kind, launch.module, launch.attr) == ("gunicorn", "systemd", "run", "app")
    assert launch.target_path == str(Path(root) / "run.py")
    assert launch.binds == (Bind("127.0.0.1", "4444"),) and not launch.exposed
    assert [p.source.path for p in ctx.proxies] == [str(Path(root) / "deploy/nginx/blog.conf")]
    assert ctx.warnings == []


def test_systemd_environment_file_is_read_from_the_project(tmp_path):
    root = make_project(tmp_path, {
        "app.py": FLASK_APP, ".env": "FLASK_DEBUG=1\nSECRET=x\n",
        "deploy/app.service": "[Service]\nWorkingDirectory=/srv/app\nEnvironmentFile=/srv/app/.env\n"
                              "ExecStart=/srv/app/venv/bin/flask run --host 0.0.0.0\n",
    })
    launch = only(context(root))
    assert launch.server == "flask-run" and launch.env["FLASK_DEBUG"] == "1"
    where = launch.env_location("FLASK_DEBUG")
    assert (Path(where.path).name, where.line) == (".env", 1)


def test_dockerfile_entrypoint_script_with_cmd(tmp_path):
    root = make_project(tmp_path, {
        "app.py": FLASK_APP, "docker-entrypoint.sh": sample("entrypoint.sh"),
        "Dockerfile": 'FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nENTRYPOINT ["./docker-entrypoint.sh"]\n'
                      'CMD ["flask", "run", "--host", "0.0.0.0"]\n',
    })
    launch = only(context(root))
    assert launch.server == "flask-run" and launch.container and launch.exposed
    assert launch.source.line == 5 and Path(launch.source.path).name == "Dockerfile"
    assert launch.env["FLASK_DEBUG"] == "0"
    assert Path(launch.env_location("FLASK_DEBUG").path).name == "docker-entrypoint.sh"
    assert launch.target_path == str(Path(root) / "app.py")


def test_dockerfile_cmd_runs_a_start_script(tmp_path):
    root = make_project(tmp_path, {
        "app.py": FLASK_APP, "scripts/start.sh": "#!/bin/sh\nexport FLASK_DEBUG=1\nexec flask run --host=0.0.0.0\n",
        "Dockerfile": "FROM python:3.12\nWORKDIR /app\nCOPY . .\nCMD sh scripts/start.sh\n",
    })
    launch = only(context(root))
    assert launch.server == "flask-run" and launch.kind == "shell" and launch.exposed
    assert (Path(launch.source.path).name, launch.source.line) == ("start.sh", 3)
    assert [Path(v.path).name for v in launch.via] == ["Dockerfile"]
    assert launch.env["FLASK_DEBUG"] == "1"


def test_seed_003_standalone_start_script(tmp_path):
    root = make_project(tmp_path, {"app.py": FLASK_APP, "wsgi.py": WSGI, "start.sh": sample("start.sh"),
                                   "run.sh": "python app.py\n"})
    launch = only(context(root))  # run.sh is not named like a production start script
    assert (launch.server, launch.module, launch.binds) == ("gunicorn", "wsgi", (Bind("0.0.0.0", "8080"),))
    assert launch.options["workers"] == "4" and not launch.exposed and launch.production


def test_supervisord_in_a_container(tmp_path):
    root = make_project(tmp_path, {
        "wsgi.py": FLASK_APP, "supervisord.conf": sample("supervisord.conf"),
        "Dockerfile": 'FROM python:3.12\nCOPY . /app\nCMD ["supervisord", "-c", "/app/supervisord.conf"]\n',
    })
    launch = only(context(root))
    assert launch.kind == "supervisor" and launch.name == "web" and launch.container and launch.exposed
    assert launch.binds == (Bind("127.0.0.1", "8000"),)


def test_gunicorn_config_given_with_c(tmp_path):
    root = make_project(tmp_path, {
        "blog/__init__.py": "from flask import Flask\n\ndef create_app():\n    return Flask(__name__)\n",
        "config/gunicorn.conf.py": sample("gunicorn.conf.py"),
        "Dockerfile": 'FROM python:3.12\nWORKDIR /app\nCOPY . .\nENV PORT=8000\n'
                      'CMD ["gunicorn", "-c", "config/gunicorn.conf.py"]\n',
    })
    launch = only(context(root))
    assert (launch.module, launch.attr) == ("blog", "create_app()")
    assert launch.target_path == str(Path(root) / "blog/__init__.py")
    assert launch.binds == (Bind("0.0.0.0", "8000"),)  # $PORT from the Dockerfile's ENV
    assert launch.env["FLASK_ENV"] == "production" and "reload" not in launch.options
    assert [Path(v.path).name for v in launch.via] == ["gunicorn.conf.py"]


def test_default_gunicorn_conf_py_and_command_line_precedence(tmp_path):
    root = make_project(tmp_path, {
        "app.py": FLASK_APP, "gunicorn.conf.py": 'bind = "127.0.0.1:9000"\nreload = True\nworkers = 2\n',
        "Procfile": "web: gunicorn app:app\nworker: gunicorn -b 0.0.0.0:$PORT app:app\n",
    })
    web, worker = context(root).launches
    assert web.binds == (Bind("127.0.0.1", "9000"),) and web.options["reload"] == "true"
    assert web.options["workers"] == "2"
    assert worker.binds == (Bind("0.0.0.0", "$PORT"),)  # the command line wins over the config file


def test_gunicorn_cmd_args_and_port_defaults(tmp_path):
    root = make_project(tmp_path, {
        "app.py": FLASK_APP,
        "Dockerfile": 'FROM python:3.12\nENV GUNICORN_CMD_ARGS="--bind=0.0.0.0:7000 --workers=3"\n'
                      'CMD ["gunicorn", "app:app"]\n',
        "other/Dockerfile": 'FROM python:3.12\nCMD ["gunicorn", "app:app"]\n',
        "Procfile": "web: gunicorn app:app\n",
    })
    by_file = {Path(x.source.path).relative_to(root).as_posix(): x for x in context(root).launches}
    assert by_file["Dockerfile"].binds == (Bind("0.0.0.0", "7000"),) and not by_file["Dockerfile"].bind_default
    other = by_file["other/Dockerfile"]
    assert other.binds == (Bind("127.0.0.1", "8000"),) and other.bind_default
    assert by_file["Procfile"].binds == (Bind("0.0.0.0", "$PORT"),) and by_file["Procfile"].bind_default


def test_uwsgi_ini_from_the_command_line_and_standalone(tmp_path):
    root = make_project(tmp_path, {
        "wsgi.py": FLASK_APP, "deploy/uwsgi.ini": sample("uwsgi.ini"),
        "Dockerfile": 'FROM python:3.12\nWORKDIR /app\nCOPY . .\nCMD ["uwsgi", "--ini", "deploy/uwsgi.ini"]\n',
        "standalone/uwsgi.ini": "[uwsgi]\nmodule = wsgi\nhttp = :8000\n",
    })
    ctx = context(root)
    docker = next(x for x in ctx.launches if x.kind == "dockerfile")
    assert (docker.module, docker.attr, docker.binds) == ("wsgi", "app", (Bind("127.0.0.1", "3031"),))
    assert docker.env["APP_SETTINGS"] == "production"
    standalone = next(x for x in ctx.launches if x.kind == "uwsgi-ini")
    assert (standalone.module, standalone.attr, standalone.exposed) == ("wsgi", "application", False)
    assert len(ctx.launches) == 2  # deploy/uwsgi.ini is used by the Dockerfile, not a launch of its own


def test_waitress_serve_in_python(tmp_path):
    root = make_project(tmp_path, {
        "app.py": FLASK_APP, "wsgi.py": sample("waitress_wsgi.py"),
        "Procfile": "web: python wsgi.py\n",
    })
    launch = only(context(root))
    assert launch.server == "python-script" and launch.serves_with == "waitress"
    assert launch.binds == (Bind("0.0.0.0", "8080"),)


def test_waitress_serve_command(tmp_path):
    root = make_project(tmp_path, {"app.py": FLASK_APP,
                                   "Procfile": "web: waitress-serve --listen=*:$PORT --call app:create_app\n"})
    launch = only(context(root))
    assert (launch.server, launch.attr, launch.options.get("call")) == ("waitress", "create_app", "true")


def test_flaskenv_sets_flask_app_for_flask_run(tmp_path):
    root = make_project(tmp_path, {
        "blog/__init__.py": "from flask import Flask\n\ndef create_app():\n    return Flask(__name__)\n",
        ".flaskenv": sample("flaskenv"), ".env": "FLASK_DEBUG=0\nSECRET_KEY=local\n",
        "Procfile": "web: flask run --host 0.0.0.0 --port $PORT\n",
    })
    ctx = context(root)
    launch = only(ctx)
    assert (launch.module, launch.attr) == ("blog", "create_app")
    assert launch.env["FLASK_DEBUG"] == "1" and "SECRET_KEY" not in launch.env  # .env: only FLASK_APP
    assert launch.env_location("FLASK_DEBUG").line == 3
    assert any(Path(p).name == ".flaskenv" and "line 4" in m for p, m in ctx.warnings)


def test_files_named_for_development_are_not_production(tmp_path):
    root = make_project(tmp_path, {
        "app.py": FLASK_APP, "deploy/app-dev.service": "[Service]\nExecStart=flask run\n",
        "start_dev.sh": "flask run --debug\n", "nginx/local.conf": sample("blog-site.conf"),
    })
    ctx = context(root)
    assert [x.production for x in ctx.launches] == [False]
    assert [p.production for p in ctx.proxies] == [False]


def test_malformed_files_become_warnings(tmp_path):
    root = make_project(tmp_path, {
        "app.py": FLASK_APP, "deploy/app.service": sample("malformed.service"),
        "gunicorn.conf.py": sample("gunicorn_broken.conf.py"), "uwsgi.ini": sample("uwsgi_malformed.ini"),
        "nginx/site.conf": sample("broken-site.conf"), "start.sh": sample("unparsable.sh"),
        "Procfile": "web: gunicorn app:app\n", "bin.service": "\x00\x01",
    })
    ctx = context(root)
    warned = {Path(p).name for p, _ in ctx.warnings}
    assert {"app.service", "gunicorn.conf.py", "uwsgi.ini", "site.conf", "bin.service"} <= warned
    procfile = next(x for x in ctx.launches if x.kind == "procfile")
    assert procfile.binds == ()  # the config file gunicorn reads is broken: the bind is unknown


def test_every_file_is_read_once(tmp_path, monkeypatch):
    root = make_project(tmp_path, {
        "app.py": FLASK_APP, "wsgi.py": WSGI, "docker-entrypoint.sh": sample("entrypoint.sh"),
        "gunicorn.conf.py": 'bind = "0.0.0.0:8000"\n', ".flaskenv": "FLASK_APP=app\n",
        "Dockerfile": 'FROM python:3.12\nENTRYPOINT ["./docker-entrypoint.sh"]\nCMD ["gunicorn", "wsgi:app"]\n',
        "Procfile": "web: flask run\nrelease: flask db upgrade\n", "deploy/a.service": sample("blog.service"),
        "deploy/nginx.conf": sample("blog-site.conf"), "supervisord.conf": sample("supervisord.conf"),
    })
    calls: Counter = Counter()
    original = readers.read_text

    def counting(path):
        calls[path] += 1
        return original(path)

    monkeypatch.setattr(readers, "read_text", counting)
    ctx = context(root)
    assert len(ctx.launches) >= 4
    assert calls and max(calls.values()) == 1, calls


def test_systemd_execstart_variables_and_unused_files_are_not_read(tmp_path):
    unit = "[Service]\nEnvironment=BIND=127.0.0.1:8000\nExecStart=/srv/venv/bin/gunicorn -b ${BIND} app:app\n"
    root = make_project(tmp_path, {"app.py": FLASK_APP, "tests/.env": "broken line\n",
                                   "scripts/cleanup.sh": "rm -rf /tmp/x\n", "deploy/app.service": unit})
    ctx = context(root)
    assert only(ctx).binds == (Bind("127.0.0.1", "8000"),)
    assert [Path(f).name for f in ctx.files] == ["app.service"] and ctx.warnings == []


def test_docs_and_examples_folders_are_not_production(tmp_path):
    root = make_project(tmp_path, {"app.py": FLASK_APP, "docs/deploy/Procfile": "web: flask run\n",
                                   "examples/nginx.conf": sample("blog-site.conf")})
    ctx = context(root)
    assert [x.production for x in ctx.launches] == [False] and [p.production for p in ctx.proxies] == [False]


def test_entrypoint_setup_script_before_exec_args_is_not_the_server(tmp_path):
    script = "#!/bin/sh\nset -e\npython init_db.py\npython -m app.seed\nexec \"$@\"\n"
    root = make_project(tmp_path, {
        "app.py": FLASK_APP, "init_db.py": "print('db')\n", "entrypoint.sh": script,
        "Dockerfile": 'FROM python:3.12\nCOPY . .\nENTRYPOINT ["/entrypoint.sh"]\n'
                      'CMD ["gunicorn", "-b", ":80", "app:app"]\n',
        "bad/Dockerfile": "FROM python:3.12\nCMD [\"supervisord\"]\n",
        "bad/docker-compose.yml": "services:\n  w:\n    command: gunicorn -b 'unbalanced app:app\n",
    })
    ctx = context(root)
    launch = next(x for x in ctx.launches if x.kind == "dockerfile" and x.server == "gunicorn")
    assert launch.source.line == 4 and Path(launch.source.path).parent == Path(root)
