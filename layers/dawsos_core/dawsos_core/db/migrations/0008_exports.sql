-- Exports and rights violations: the audit trail of every file that left, and of every
-- refusal. A row in exports is written only after its file is in S3, so no row claims a
-- file that does not exist. Both tables are append-only.

CREATE TABLE exports (
    id                uuid PRIMARY KEY,
    user_sub          text NOT NULL,
    execution_id      uuid NOT NULL REFERENCES executions (id),
    idempotency_key   text NOT NULL CHECK (length(idempotency_key) BETWEEN 1 AND 255),
    format            text NOT NULL CHECK (format IN ('csv', 'json', 'xlsx', 'pdf', 'txt')),
    s3_key            text NOT NULL,
    sha256            text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    size_bytes        bigint NOT NULL CHECK (size_bytes > 0),
    watermark         jsonb NOT NULL,
    request_id        text NOT NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    UNIQUE (user_sub, idempotency_key)
);

CREATE TABLE rights_violations (
    id            uuid PRIMARY KEY,
    user_sub      text NOT NULL,
    execution_id  uuid REFERENCES executions (id),
    action        text NOT NULL CHECK (action IN ('export')),
    format        text,
    environment   text NOT NULL CHECK (environment IN ('development', 'staging', 'production')),
    sources       text[] NOT NULL CHECK (cardinality(sources) > 0),
    request_id    text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX rights_violations_recent ON rights_violations (created_at DESC);

CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% row % is an audit record: % is refused', TG_TABLE_NAME, OLD.id, TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$;

CREATE TRIGGER exports_append_only BEFORE UPDATE OR DELETE ON exports
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER exports_no_truncate BEFORE TRUNCATE ON exports
    FOR EACH STATEMENT EXECUTE FUNCTION reject_truncate();
CREATE TRIGGER rights_violations_append_only BEFORE UPDATE OR DELETE ON rights_violations
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER rights_violations_no_truncate BEFORE TRUNCATE ON rights_violations
    FOR EACH STATEMENT EXECUTE FUNCTION reject_truncate();

GRANT INSERT ON exports, rights_violations TO dawsos_api;
ALTER TABLE exports ENABLE ROW LEVEL SECURITY;
ALTER TABLE rights_violations ENABLE ROW LEVEL SECURITY;
CREATE POLICY exports_of_the_caller ON exports TO dawsos_api
    USING (user_sub = current_setting('dawsos.user_sub', true))
    WITH CHECK (user_sub = current_setting('dawsos.user_sub', true));
CREATE POLICY violations_of_the_caller ON rights_violations TO dawsos_api
    USING (user_sub = current_setting('dawsos.user_sub', true))
    WITH CHECK (user_sub = current_setting('dawsos.user_sub', true));
