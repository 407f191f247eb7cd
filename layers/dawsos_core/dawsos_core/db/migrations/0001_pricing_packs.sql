-- Pricing packs: one day's prices and FX rates frozen under a named policy.
-- Content columns are immutable; status only moves warming -> fresh | error; a restatement
-- is a new pack that the old one points to through superseded_by (set once).

CREATE TABLE pricing_packs (
    id                        text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_.:-]{1,80}$'),
    date                      date NOT NULL,
    policy                    text NOT NULL CHECK (policy ~ '^[A-Z][A-Z0-9_]{1,31}$'),
    hash                      text NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$'),
    superseded_by             text REFERENCES pricing_packs (id),
    status                    text NOT NULL DEFAULT 'warming'
                              CHECK (status IN ('warming', 'fresh', 'error')),
    is_fresh                  boolean NOT NULL DEFAULT false,
    prewarm_done              boolean NOT NULL DEFAULT false,
    reconciliation_passed     boolean NOT NULL DEFAULT false,
    reconciliation_error_bps  numeric(10, 4) CHECK (reconciliation_error_bps >= 0),
    error_message             text,
    created_at                timestamptz NOT NULL DEFAULT now(),
    updated_at                timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT pricing_packs_not_self_superseded CHECK (superseded_by IS NULL OR superseded_by <> id),
    CONSTRAINT pricing_packs_fresh_iff_status CHECK (is_fresh = (status = 'fresh')),
    CONSTRAINT pricing_packs_fresh_needs_checks
        CHECK (NOT is_fresh OR (prewarm_done AND reconciliation_passed)),
    CONSTRAINT pricing_packs_error_has_reason
        CHECK (status <> 'error' OR error_message IS NOT NULL),
    CONSTRAINT pricing_packs_unique_content UNIQUE (date, policy, hash)
);

CREATE INDEX pricing_packs_latest ON pricing_packs (policy, date DESC, created_at DESC);

CREATE FUNCTION pricing_packs_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'pricing pack % is immutable: it cannot be deleted', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF NEW.id <> OLD.id OR NEW.date <> OLD.date OR NEW.policy <> OLD.policy
       OR NEW.hash <> OLD.hash OR NEW.created_at <> OLD.created_at THEN
        RAISE EXCEPTION 'pricing pack % is immutable: id, date, policy, hash and created_at cannot change', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF OLD.superseded_by IS NOT NULL AND NEW.superseded_by IS DISTINCT FROM OLD.superseded_by THEN
        RAISE EXCEPTION 'pricing pack % is already superseded by %', OLD.id, OLD.superseded_by
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF NEW.status <> OLD.status AND NOT (OLD.status = 'warming' AND NEW.status IN ('fresh', 'error')) THEN
        RAISE EXCEPTION 'pricing pack % cannot move from % to %', OLD.id, OLD.status, NEW.status
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF OLD.status <> 'warming' AND (
           NEW.prewarm_done <> OLD.prewarm_done
           OR NEW.reconciliation_passed <> OLD.reconciliation_passed
           OR NEW.reconciliation_error_bps IS DISTINCT FROM OLD.reconciliation_error_bps
           OR NEW.error_message IS DISTINCT FROM OLD.error_message) THEN
        RAISE EXCEPTION 'pricing pack % is % and its checks are final', OLD.id, OLD.status
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    NEW.updated_at := now();
    RETURN NEW;
END;
$$;

CREATE TRIGGER pricing_packs_guard_update BEFORE UPDATE ON pricing_packs
    FOR EACH ROW EXECUTE FUNCTION pricing_packs_guard();
CREATE TRIGGER pricing_packs_guard_delete BEFORE DELETE ON pricing_packs
    FOR EACH ROW EXECUTE FUNCTION pricing_packs_guard();

CREATE FUNCTION reject_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'table % is append-only: TRUNCATE is refused', TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$;

CREATE TRIGGER pricing_packs_no_truncate BEFORE TRUNCATE ON pricing_packs
    FOR EACH STATEMENT EXECUTE FUNCTION reject_truncate();
