"""Each reader on realistic sample files (tests/deploy_samples), malformed ones included."""
from __future__ import annotations

import pytest

from flake8_flask_deploy.deploy.configs import read_dotenv, read_gunicorn_config, read_uwsgi_ini
from flake8_flask_deploy.deploy.hostfiles import read_supervisor, read_systemd
from flake8_flask_deploy.deploy.nginx import looks_like_nginx, read_nginx
from flake8_flask_deploy.deploy.readers import DeployFileError
from flake8_flask_deploy.deploy.shell import expand, read_shell
from flake8_flask_deploy.model import Bind

from test_deploy_helpers import sample


def test_systemd_unit_with_continued_execstart_and_environment():
    raws = read_systemd("/srv/deploy/blog.service", sample("blog.service"), "/srv")
    assert len(raws) == 1
    raw = raws[0]
    assert raw.line == 13  # the ExecStart= line, not its continuations
    assert raw.argv[0].split() == ["/var/www/blog/venv/bin/gunicorn", "--workers", "3", "--bind", "127.0.0.1:4444",
                                   "run:app"]
    assert raw.env == {"PATH": "/var/www/blog/venv/bin", "FLASK_ENV": "production", "PYTHONUNBUFFERED": "1"}
    assert raw.env_lines == {"PATH": 10, "FLASK_ENV": 10, "PYTHONUNBUFFERED": 11}
    assert raw.env_files == (("/var/www/blog/.env", 12),)
    assert raw.working_dir == "/var/www/blog"
    assert (raw.kind, raw.name, raw.exposed, raw.container) == ("systemd", "blog.service", False, False)


def test_systemd_execstart_prefixes_and_reset():
    text = "[Service]\nExecStart=/usr/bin/true\nExecStart=\nExecStart=-/usr/bin/gunicorn -b :80 app:app\n"
    raw = read_systemd("/x/a.service", text, "/x")[0]
    assert raw.argv == ["/usr/bin/gunicorn -b :80 app:app"] and raw.line == 4


def test_systemd_without_service_section_or_execstart_gives_nothing():
    assert read_systemd("/x/a.service", "[Unit]\nDescription=x\n", "/x") == []
    assert read_systemd("/x/a.service", "[Service]\nType=oneshot\n", "/x") == []


def test_malformed_systemd_unit_raises_deploy_file_error():
    with pytest.raises(DeployFileError, match="not a valid ini file"):
        read_systemd("/x/m.service", sample("malformed.service"), "/x")


def test_supervisor_programs():
    raws = read_supervisor("/x/supervisord.conf", sample("supervisord.conf"), "/x")
    assert [r.name for r in raws] == ["nginx", "web"]
    web = raws[1]
    assert web.argv == ["/usr/local/bin/gunicorn --workers 2 --bind 127.0.0.1:8000 wsgi:app"]
    assert web.line == 10 and web.working_dir == "/app"
    assert web.env == {"FLASK_DEBUG": "0", "PYTHONUNBUFFERED": "1"}
    assert web.env_lines["FLASK_DEBUG"] == 12


def test_gunicorn_config_read_with_ast_never_executed(tmp_path):
    marker = tmp_path / "executed"
    text = sample("gunicorn.conf.py") + f"\nopen({str(marker)!r}, 'w').write('x')\n"
    config = read_gunicorn_config(text, "gunicorn.conf.py")
    assert not marker.exists()
    assert config.binds == ["0.0.0.0:$PORT"]
    assert config.wsgi_app == "blog:create_app()"
    assert config.reload is False  # the conditional `reload = True` is not taken
    assert config.workers is None  # not a literal
    assert config.raw_env == ["FLASK_ENV=production"]
    assert config.lines["wsgi_app"] == 8


@pytest.mark.parametrize("source, binds", [
    ('bind = "127.0.0.1:8000"', ["127.0.0.1:8000"]),
    ('bind = ["0.0.0.0:80", "unix:/run/app.sock"]', ["0.0.0.0:80", "unix:/run/app.sock"]),
    ('HOST = "0.0.0.0"\nbind = HOST + ":" + "5000"', ["0.0.0.0:5000"]),
    ('import os\nbind = os.environ["BIND"]', ["$BIND"]),
    ('bind = compute()', ["$?"]),
    # arithmetic is arithmetic (the precision issue's class 6: this was "127.0.0.1:4000444")
    ("bind = '127.0.0.1:' + str(4000 + 444)", ["127.0.0.1:4444"]),
    ('BASE = 8000\nbind = f"0.0.0.0:{BASE + 1}"', ["0.0.0.0:8001"]),
    ('bind = "0.0.0.0:" + str(int(5000) * 2 - 1)', ["0.0.0.0:9999"]),
    # a str plus an int raises TypeError in Python: unknown, not a guess
    ("bind = '127.0.0.1:' + 4444", ["$?"]),
])
def test_gunicorn_config_bind_forms(source, binds):
    assert read_gunicorn_config(source, "g.py").binds == binds


def test_broken_gunicorn_config():
    with pytest.raises(DeployFileError, match="not valid Python"):
        read_gunicorn_config(sample("gunicorn_broken.conf.py"), "gunicorn_broken.conf.py")


def test_uwsgi_ini_keeps_repeated_env():
    config = read_uwsgi_ini(sample("uwsgi.ini"), "uwsgi.ini")
    assert config is not None
    assert config.get("module") == "wsgi:app"
    assert config.get("socket") == "127.0.0.1:3031"
    assert config.options["env"] == ["FLASK_DEBUG=0", "APP_SETTINGS=production"]
    assert config.lines["module"] == 2


def test_uwsgi_ini_without_section_and_malformed():
    assert read_uwsgi_ini("[tox]\nenvlist = py311\n", "tox.ini") is None
    with pytest.raises(DeployFileError):
        read_uwsgi_ini(sample("uwsgi_malformed.ini"), "uwsgi.ini")


def test_dotenv_values_lines_and_errors():
    values, lines, errors = read_dotenv(sample("flaskenv"), ".flaskenv")
    assert values == {"FLASK_APP": "blog:create_app", "FLASK_DEBUG": "1", "FLASK_RUN_PORT": "8000"}
    assert lines == {"FLASK_APP": 2, "FLASK_DEBUG": 3, "FLASK_RUN_PORT": 5}
    assert errors == ["line 4 does not parse as KEY=VALUE"]


def test_entrypoint_script_hands_over_to_cmd():
    script = read_shell(sample("entrypoint.sh"))
    assert script.parser == "bashlex"  # `until ...; do ...; done`
    assert script.passes_args
    assert script.env == {"FLASK_DEBUG": "0"} and script.env_lines == {"FLASK_DEBUG": 10}
    assert (["flask", "db", "upgrade"], 8) in script.commands


def test_start_script_variables_are_expanded():
    script = read_shell(sample("start.sh"))
    assert script.parser == "shlex"  # no compound commands: bashlex is not needed
    assert (["gunicorn", "-w", "4", "-b", "0.0.0.0:8080", "wsgi:app"], 9) in script.commands
    assert not script.passes_args


def test_unparsable_script_falls_back_to_lines():
    script = read_shell(sample("unparsable.sh"))
    assert script.parser == "shlex"
    assert any(argv[-3:] == ["gunicorn", "-b", ":8000"] or "gunicorn" in argv for argv, _ in script.commands)


@pytest.mark.parametrize("word, expected", [
    ("$HOST:$PORT", "0.0.0.0:$PORT"),
    ("${HOST}:${PORT:-8000}", "0.0.0.0:8000"),
    ("${WORKERS-2}", "2"),
])
def test_expand(word, expected):
    assert expand(word, {"HOST": "0.0.0.0"}) == expected


def test_nginx_site_from_seed_004():
    proxies = read_nginx("/x/blog.conf", sample("blog-site.conf"))
    assert len(proxies) == 1
    proxy = proxies[0]
    assert proxy.source.line == 7 and proxy.protocol == "http"
    assert proxy.addresses == (Bind("localhost", "4444"),)
    assert proxy.headers == ("host", "x-real-ip") and proxy.header_lines["x-real-ip"] == 9
    assert proxy.forwards_client_info and proxy.listen == ("80",)


def test_nginx_upstream_unix_socket_and_uwsgi_pass():
    proxies = read_nginx("/x/site.conf", sample("upstream-site.conf"))
    http, uwsgi = proxies
    assert http.upstream == "app_server" and http.addresses == (Bind("unix", "/tmp/gunicorn.sock"),)
    assert "x-forwarded-for" in http.headers and http.source.line == 22
    assert uwsgi.protocol == "uwsgi" and uwsgi.addresses == (Bind("127.0.0.1", "3031"),)
    assert uwsgi.headers == ()  # proxy_set_header does not apply to uwsgi_pass


def test_nginx_header_inheritance_only_without_own_headers():
    text = ("server {\n proxy_set_header X-Forwarded-For $remote_addr;\n"
            " location /a { proxy_pass http://127.0.0.1:8000; }\n"
            " location /b { proxy_set_header Host $host; proxy_pass http://127.0.0.1:8000; }\n}\n")
    a, b = read_nginx("/x/s.conf", text)
    assert a.headers == ("x-forwarded-for",) and b.headers == ("host",)


def test_nginx_variable_target_is_unknown():
    (proxy,) = read_nginx("/x/s.conf", "server { location / { proxy_pass http://$backend; } }\n")
    assert proxy.addresses == ()


def test_malformed_nginx():
    with pytest.raises(DeployFileError, match="expecting"):
        read_nginx("/x/broken.conf", sample("broken-site.conf"))
    assert looks_like_nginx(sample("blog-site.conf"))
    assert not looks_like_nginx(sample("supervisord.conf"))
