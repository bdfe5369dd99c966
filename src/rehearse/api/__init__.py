"""The HTTP api: validates requests, records jobs in PostgreSQL, enqueues them by name."""
