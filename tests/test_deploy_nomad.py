"""The Nomad job reader (deploy/nomad.py): tasks read from realistic job files, malformed files, the
lazy import of python-hcl2 and the on-disk cache following an edit of a job file. The project trees
of tests/cases/nomad_* hold the findings such jobs give."""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from test_deploy_helpers import bump, context, make_project
from test_disk_cache import same_as_fresh

from flake8_flask_deploy.cli import check_paths
from flake8_flask_deploy.deploy.build import kind_of
from flake8_flask_deploy.deploy.nomad import looks_like_nomad, read_nomad
from flake8_flask_deploy.deploy.readers import DeployFileError

DOCKER_JOB = textwrap.dedent('''\
    job "flask" {
      datacenters = ["dc1"]
      group "cache" {
        count = 3
        task "flask" {
          driver = "docker"
          config {
            image = "example/flask:1.4"
            command = "/usr/local/bin/python"
            args  = ["/code/app.py", "--port", 5000]
            #command = "hostname"
            port_map {
              flask = 5000
            }
          }
          env {
            FLASK_ENV = "production"
            WORKERS = 4
          }
          resources {
            network {
              port "flask" {
                static = 5000
              }
            }
          }
        }
        task "image-only" {
          driver = "docker"
          config {
            image = "redis:7"
          }
        }
      }
    }
    ''')
RAW_EXEC_JOB = textwrap.dedent('''\
    job "api" {
      group "api" {
        task "api" {
          driver = "raw_exec"
          config {
            command = "/srv/venv/bin/gunicorn"
            args = ["-b", "127.0.0.1:8000", "wsgi:app"]
          }
        }
        task "batch" {
          driver = "java"
          config {
            jar_path = "local/x.jar"
          }
        }
      }
    }
    ''')
APP = ('from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.route("/")\ndef index():\n    return "hi"\n\n\n'
       'if __name__ == "__main__":\n    app.run(host="0.0.0.0", debug=True)\n')


def test_a_docker_task_with_command_and_args():
    raws = read_nomad("/p/jobs/flask.nomad", DOCKER_JOB, "/p")
    assert len(raws) == 1  # the task that runs its image's own command is not one
    raw = raws[0]
    assert raw.argv == ["/usr/local/bin/python", "/code/app.py", "--port", "5000"]
    assert raw.line == 10  # the args line (the command's is 9; the commented-out one is not read)
    assert raw.env == {"FLASK_ENV": "production", "WORKERS": "4"}
    assert raw.env_lines == {"FLASK_ENV": 17, "WORKERS": 18}
    assert (raw.kind, raw.name, raw.container, raw.exposed, raw.production) == ("nomad", "flask", True, True, True)
    assert raw.bases == ("/p/jobs", "/p")


def test_an_env_attribute_with_quoted_names():
    text = DOCKER_JOB.replace('env {\n', 'env = {\n').replace("WORKERS = 4", '"gunicorn.workers" = true')
    raw = read_nomad("/p/jobs/flask.nomad", text, "/p")[0]
    assert raw.env == {"FLASK_ENV": "production", "gunicorn.workers": "true"}
    assert raw.env_lines == {"FLASK_ENV": 17, "gunicorn.workers": 18}


def test_a_raw_exec_task_runs_on_the_host_and_serves_nothing_without_a_port():
    raws = read_nomad("/p/api.nomad.hcl", RAW_EXEC_JOB, "/p")
    assert [(r.argv, r.line, r.container, r.exposed) for r in raws] == [
        (["/srv/venv/bin/gunicorn", "-b", "127.0.0.1:8000", "wsgi:app"], 7, False, False)]


@pytest.mark.parametrize("declares", [
    'service {\n  name = "api"\n}\n',
    'network {\n  port "http" {}\n}\n',
], ids=["service", "network-port"])
def test_a_group_that_declares_a_port_or_a_service_exposes_its_tasks(declares: str):
    text = RAW_EXEC_JOB.replace('  group "api" {\n', '  group "api" {\n' + textwrap.indent(declares, "    "), 1)
    assert read_nomad("/p/api.nomad", text, "/p")[0].exposed


def test_a_job_file_named_for_development_is_not_production():
    assert not read_nomad("/p/api-dev.nomad", RAW_EXEC_JOB, "/p")[0].production


def test_only_docker_tasks_take_a_work_dir_and_an_entrypoint():
    text = DOCKER_JOB.replace('image = "example/flask:1.4"',
                              'image = "example/flask:1.4"\n        work_dir = "/code"\n        entrypoint = ["tini", "--"]')
    raw = read_nomad("/p/flask.nomad", text, "/p")[0]
    assert raw.argv[:3] == ["tini", "--", "/usr/local/bin/python"] and raw.working_dir == "/code"


@pytest.mark.parametrize("text", ['job "x" {\n  group "g" {\n    task "t" {\n      driver = \n', "job {{{ ]",
                                  'job "x" {\n  group "g" = [\n}\n'])
def test_malformed_job_raises_deploy_file_error(text: str):
    with pytest.raises(DeployFileError, match="is not valid HCL"):
        read_nomad("/p/x.nomad", text, "/p")


def test_a_malformed_job_file_is_a_warning_of_the_context(tmp_path: Path):
    root = make_project(tmp_path, {"app.py": APP, "jobs/broken.nomad": 'job "x" {\n  group "g" {\n',
                                   "jobs/good.nomad": DOCKER_JOB})
    ctx = context(root)
    assert [(Path(p).name, m) for p, m in ctx.warnings] == [("broken.nomad", "is not valid HCL at line 3, skipped")]
    assert [launch.kind for launch in ctx.launches] == ["nomad"]  # the other file is still read
    assert ctx.launches[0].script == str(tmp_path / "app.py")


def test_file_names_and_content_that_make_a_nomad_job():
    assert kind_of("web.nomad") == kind_of("web.nomad.hcl") == "nomad"
    assert kind_of("web.hcl") == "hcl"  # read only when it holds a job block
    assert looks_like_nomad(DOCKER_JOB) and looks_like_nomad('# a job\njob "x" {}\n')
    assert not looks_like_nomad('data_dir = "/opt/nomad"\nclient {\n  enabled = true\n}\n')
    assert not looks_like_nomad('# job "x" {\n')


def test_a_task_resolves_an_absolute_container_path_by_its_tail(tmp_path: Path):
    root = make_project(tmp_path, {"flask/app.py": APP, "flask/Dockerfile": "FROM python:3.12\nADD . /code\n",
                                   "jobs/flask.nomad": DOCKER_JOB})
    launch = context(root).launches[0]
    assert launch.script == str(tmp_path / "flask" / "app.py")
    assert (launch.source.path, launch.source.line) == (str(tmp_path / "jobs" / "flask.nomad"), 10)


IMPORTS = ("import sys; from flake8_flask_deploy import cli; "
           "status = cli.main(['check', '--no-cache', '.']); print(status, 'hcl2' in sys.modules)")


@pytest.mark.parametrize("files, imported", [
    ({"Procfile": "web: python app.py\n", "nomad/agent.conf": "x = 1\n"}, "False"),
    ({"jobs/flask.nomad": DOCKER_JOB.replace("/code/app.py", "app.py")}, "True"),
], ids=["without-nomad", "with-nomad"])
def test_python_hcl2_is_imported_only_for_a_project_with_a_nomad_file(files: dict, imported: str, tmp_path: Path):
    make_project(tmp_path, dict(files, **{"app.py": APP}))
    out = subprocess.run([sys.executable, "-c", IMPORTS], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert out.stdout.split()[-2:] == ["1", imported], out.stdout + out.stderr


def test_an_edited_nomad_job_is_read_again(tmp_path: Path):
    make_project(tmp_path, {"app.py": APP, "jobs/web.nomad": DOCKER_JOB})
    assert same_as_fresh(tmp_path) == ["FDP003", "FDP004"]
    bump(tmp_path / "jobs" / "web.nomad", DOCKER_JOB.replace('"/code/app.py", "--port", 5000',
                                                             '"-b", "0.0.0.0:5000", "app:app"')
         .replace("/usr/local/bin/python", "gunicorn"))
    assert same_as_fresh(tmp_path) == []
    bump(tmp_path / "jobs" / "web.nomad", DOCKER_JOB)
    assert same_as_fresh(tmp_path) == ["FDP003", "FDP004"]


@pytest.mark.parametrize("comment, silenced", [("", False), ("  # noqa: FDP005", True), ("  # noqa: FDP004", False),
                                               ("above", True)])
def test_noqa_in_a_nomad_job(comment: str, silenced: bool, tmp_path: Path):
    args = '["-b", "127.0.0.1:8000", "wsgi:app"]'
    job = RAW_EXEC_JOB.replace('  group "api" {\n', '  group "api" {\n    service {\n      name = "api"\n    }\n', 1)
    job = job.replace(f"args = {args}", ("# noqa: FDP005\n        " if comment == "above" else "")
                      + f"args = {args}" + (comment if comment != "above" else ""))
    root = make_project(tmp_path, {"wsgi.py": "from flask import Flask\n\napp = Flask(__name__)\n",
                                   "api.nomad": job})
    codes = [f.code for f in check_paths([root]).findings]
    assert codes == ([] if silenced else ["FDP005"])
