"""Settings, logging, errors, metrics, Redis keys and clients: imports nothing of ours."""
