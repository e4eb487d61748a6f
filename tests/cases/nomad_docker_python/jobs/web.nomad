# The task runs the image built from web/Dockerfile (ADD . /code) with python.
job "web" {
  datacenters = ["dc1"]

  group "web" {
    count = 2

    network {
      port "http" {
        static = 5000
      }
    }

    task "web" {
      driver = "docker"

      config {
        image   = "example/web:1.0"
        command = "/usr/local/bin/python"
        # related: FDP004, FDP003
        args    = ["/code/app.py"]
        ports   = ["http"]
        #command = "hostname"
      }
    }

    # a task that runs its image's own command is not a launch of this project
    task "sidecar" {
      driver = "docker"

      config {
        image = "example/web:1.0"
      }
    }
  }
}
