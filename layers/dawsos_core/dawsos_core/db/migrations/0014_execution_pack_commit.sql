-- An execution's ledger commit is its pack's. One composite key says so; it replaces the
-- two keys checked on every insert (to the pack, to the commit), which admitted an
-- execution naming one pack and another pack's commit. MATCH FULL: a pack without its
-- commit, or a commit without its pack, is refused too. A pack's commit never changes
-- (pricing_packs_guard), so the key it is referenced by never moves.
ALTER TABLE pricing_packs
    ADD CONSTRAINT pricing_packs_id_commit UNIQUE (id, ledger_commit_hash);

ALTER TABLE executions
    DROP CONSTRAINT executions_pricing_pack_id_fkey,
    DROP CONSTRAINT executions_ledger_commit_fk,
    ADD CONSTRAINT executions_pack_commit_fk
        FOREIGN KEY (pricing_pack_id, ledger_commit_hash)
        REFERENCES pricing_packs (id, ledger_commit_hash) MATCH FULL;
