# A Nomad agent configuration: no job block, not a job file.
data_dir = "/opt/nomad/data"

client {
  enabled = true
}
