# No port, no service: gunicorn on the loopback is reached only from its host (a proxy there).
job "api" {
  datacenters = ["dc1"]

  group "api" {
    task "api" {
      driver = "raw_exec"

      config {
        command = "/srv/api/venv/bin/gunicorn"
        args    = ["--workers", "3", "-b", "127.0.0.1:8000", "wsgi:app"]
      }
    }
  }
}
