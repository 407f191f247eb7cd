"""The ledger of record: a Beancount ledger in Git, synced into PostgreSQL per commit."""
