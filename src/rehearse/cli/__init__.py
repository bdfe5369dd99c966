"""The `rehearse` command and its tooling: above every service, imported by none."""
