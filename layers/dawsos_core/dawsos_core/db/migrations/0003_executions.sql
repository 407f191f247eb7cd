-- Executions: the audit record of every answer, and what an export is made from.
-- Append-only: an execution is never edited or removed.

CREATE TABLE executions (
    id                 uuid PRIMARY KEY,
    request_id         text NOT NULL,
    trace_id           text,
    user_sub           text NOT NULL,
    pattern_id         text NOT NULL,
    inputs             jsonb NOT NULL DEFAULT '{}'::jsonb,
    portfolio_id       text REFERENCES portfolios (id),
    pricing_pack_id    text REFERENCES pricing_packs (id),
    ledger_commit_hash text CHECK (ledger_commit_hash ~ '^[0-9a-f]{40}$|^[0-9a-f]{64}$'),
    provenance         jsonb NOT NULL DEFAULT '{}'::jsonb,
    result             jsonb,
    result_hash        text CHECK (result_hash ~ '^[0-9a-f]{64}$'),
    created_at         timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX executions_user_recent ON executions (user_sub, created_at DESC);

CREATE FUNCTION executions_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'execution % is an audit record: % is refused', OLD.id, TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$;

CREATE TRIGGER executions_append_only BEFORE UPDATE OR DELETE ON executions
    FOR EACH ROW EXECUTE FUNCTION executions_append_only();
CREATE TRIGGER executions_no_truncate BEFORE TRUNCATE ON executions
    FOR EACH STATEMENT EXECUTE FUNCTION reject_truncate();
