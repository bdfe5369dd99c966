"""The Celery app, broker, dispatch, step tasks, the job runner and leases."""
