"""Readers never raise: arbitrary text in every kind of deployment file gives a context (maybe with
warnings), never an exception."""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from flake8_flask_deploy import engine
from flake8_flask_deploy.deploy import get_context

NAMES = ["app.service", "supervisord.conf", "uwsgi.ini", "gunicorn.conf.py", "start.sh", "docker-entrypoint.sh",
         ".flaskenv", "nginx.conf", "sites-enabled/blog", "Procfile", "Dockerfile", "docker-compose.yml"]
FRAGMENTS = ["[Service]\n", "[uwsgi]\n", "[program:web]\n", "ExecStart=", "command=", "gunicorn ", "-b ",
             "127.0.0.1:8000", "server {", "}", "location / {", "proxy_pass http://localhost:", ";", "upstream ",
             "exec \"$@\"\n", "bind = ", "wsgi_app = ", "\"", "'", "\\\n", "$(", "${PORT:-", "\n", " ", "=", "\x00",
             "EnvironmentFile=", "/tmp/x.sock", "module = ", "FLASK_APP=", "CMD [\"./start.sh\"]\n", "if [", "fi\n"]

texts = st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=8), max_size=30).map("".join)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(NAMES), texts, min_size=1, max_size=4))
# configparser itself fails (AttributeError) on a continuation line under a key without value
@example({"app.service": "[Service]\ngunicorn [Service]\n\\\n[Service]\n"})
def test_any_deployment_files_give_a_context(files):
    folder = Path(tempfile.mkdtemp())
    try:
        (folder / "pyproject.toml").write_text("")
        (folder / "app.py").write_text("from flask import Flask\napp = Flask(__name__)\n")
        for name, text in files.items():
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", errors="surrogatepass")
        engine.clear_caches()
        context = get_context(str(folder.resolve()))
        engine.deployment_findings(context)
        bugs = [m for _, m in context.warnings if "could not be" in m]
        assert not bugs, bugs  # a reader bug caught by the safety net
    finally:
        shutil.rmtree(folder, ignore_errors=True)
