job "api" {
  datacenters = ["dc1"]

  group "api" {
    network {
      port "http" {
        static = 8000
      }
    }

    service {
      name = "api"
      port = "http"
    }

    task "api" {
      driver = "raw_exec"

      config {
        command = "/srv/api/venv/bin/gunicorn"
        # expect: FDP005
        args    = ["--workers", "3", "-b", "127.0.0.1:8000", "wsgi:app"]
      }
    }
  }
}
