job "site" {
  datacenters = ["dc1"]

  group "site" {
    network {
      port "http" {
        to = 5000
      }
    }

    task "site" {
      driver = "docker"

      config {
        image   = "example/site:1.0"
        command = "flask"
        # expect: FDP004
        args    = ["run", "--host=0.0.0.0"]
        ports   = ["http"]
      }

      env {
        FLASK_APP   = "app.py"
        # expect: FDP003
        FLASK_DEBUG = "1"
      }
    }
  }
}
