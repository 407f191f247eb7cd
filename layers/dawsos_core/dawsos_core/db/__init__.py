"""PostgreSQL access: the connection, the migration runner and the repositories (all SQL)."""
