-- An owner renames a portfolio or changes its benchmarks (PATCH /v1/portfolios/{id}), and
-- deletes it (DELETE): deletion marks it (deleted_at) and keeps its history. Its
-- valuations, executions and exports stay, so that its stored answers still export and its
-- pinned replays still read their rows; it is no longer listed, executed or valued with new
-- packs, and its id is never reused. What defines it (owner, ledger, prefixes, base
-- currency) never changes, whoever writes: its valuations and past answers depend on it.

ALTER TABLE portfolios ADD COLUMN deleted_at timestamptz;

GRANT UPDATE (name, benchmarks, updated_at, deleted_at) ON portfolios TO dawsos_execute;

CREATE POLICY portfolios_changed_by_the_caller ON portfolios FOR UPDATE TO dawsos_execute
    USING (owner_sub = current_setting('dawsos.user_sub', true) AND deleted_at IS NULL)
    WITH CHECK (owner_sub = current_setting('dawsos.user_sub', true));

-- Named to fire after portfolios_of_their_ledgers_owner (triggers fire in name order).
CREATE FUNCTION portfolios_unchanged_but_name_and_benchmarks() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'portfolio %: a portfolio is deleted by marking it (deleted_at), never removed',
            OLD.id USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF OLD.deleted_at IS NOT NULL THEN
        RAISE EXCEPTION 'portfolio % was deleted: it no longer changes', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF NEW.id <> OLD.id OR NEW.owner_sub <> OLD.owner_sub OR NEW.ledger_id <> OLD.ledger_id
       OR NEW.account_prefixes <> OLD.account_prefixes
       OR NEW.internal_prefixes <> OLD.internal_prefixes
       OR NEW.base_currency <> OLD.base_currency OR NEW.created_at <> OLD.created_at THEN
        RAISE EXCEPTION 'portfolio %: its owner, ledger, prefixes, base currency and creation cannot change',
            OLD.id USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER portfolios_unchanged_but_name_and_benchmarks
    BEFORE UPDATE OR DELETE ON portfolios
    FOR EACH ROW EXECUTE FUNCTION portfolios_unchanged_but_name_and_benchmarks();
