-- A commit belongs to a registered ledger, as a portfolio does (0026): a sync names a
-- ledger that exists, and each ledger's commits are its own. Any ledger a commit named
-- since 0026 without registering it is registered as the operator's, as 0026 did.

INSERT INTO ledgers (id)
SELECT DISTINCT c.ledger_id FROM ledger_commits c
WHERE NOT EXISTS (SELECT 1 FROM ledgers l WHERE l.id = c.ledger_id);

ALTER TABLE ledger_commits ADD CONSTRAINT ledger_commits_ledger_fk
    FOREIGN KEY (ledger_id) REFERENCES ledgers (id);
