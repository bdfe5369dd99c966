"""PostgreSQL: the connection pool, migrations, and one module per store."""
