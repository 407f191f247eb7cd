-- The content of a pricing pack (prices and FX rates with their source and observation
-- date) and its prewarmed valuations. Rows are added only while their pack is warming and
-- never changed afterwards. A pack also records the ledger commit and base currency it was
-- built for; a failed pack does not block a new attempt with the same content.

ALTER TABLE pricing_packs
    ADD COLUMN ledger_commit_hash text REFERENCES ledger_commits (commit_hash),
    ADD COLUMN base_currency text CHECK (base_currency ~ '^[A-Z]{3}$');

ALTER TABLE pricing_packs DROP CONSTRAINT pricing_packs_unique_content;
CREATE UNIQUE INDEX pricing_packs_unique_live_content
    ON pricing_packs (date, policy, hash) WHERE status <> 'error';

CREATE OR REPLACE FUNCTION pricing_packs_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'pricing pack % is immutable: it cannot be deleted', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF NEW.id <> OLD.id OR NEW.date <> OLD.date OR NEW.policy <> OLD.policy
       OR NEW.hash <> OLD.hash OR NEW.created_at <> OLD.created_at
       OR NEW.ledger_commit_hash IS DISTINCT FROM OLD.ledger_commit_hash
       OR NEW.base_currency IS DISTINCT FROM OLD.base_currency THEN
        RAISE EXCEPTION 'pricing pack % is immutable: its identity and content cannot change', OLD.id
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

-- Checked once per statement over all inserted rows (a COPY of 10,000 prices fires it
-- once): every row must name an existing pack that is still warming. Packs cannot be
-- deleted, so this also stands in for a per-row foreign key on the content tables.
CREATE FUNCTION pack_rows_while_warming() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    offending text;
BEGIN
    SELECT n.pack_id INTO offending
    FROM new_rows n LEFT JOIN pricing_packs p ON p.id = n.pack_id
    WHERE p.id IS NULL OR p.status <> 'warming'
    LIMIT 1;
    IF offending IS NOT NULL THEN
        RAISE EXCEPTION 'pricing pack % is not warming: its % are final', offending, TG_TABLE_NAME
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NULL;
END;
$$;

CREATE TABLE pack_prices (
    pack_id        text NOT NULL,
    commodity      text NOT NULL,
    quote_currency text NOT NULL CHECK (quote_currency ~ '^[A-Z]{3}$'),
    price          numeric NOT NULL CHECK (price > 0),
    source         text NOT NULL,
    observed_on    date NOT NULL,
    PRIMARY KEY (pack_id, commodity)
);

CREATE TABLE pack_fx_rates (
    pack_id       text NOT NULL,
    currency      text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    base_currency text NOT NULL CHECK (base_currency ~ '^[A-Z]{3}$'),
    rate          numeric NOT NULL CHECK (rate > 0),  -- base units per one unit of currency
    source        text NOT NULL,
    observed_on   date NOT NULL,
    PRIMARY KEY (pack_id, currency)
);

CREATE TABLE pack_valuations (
    pack_id            text NOT NULL REFERENCES pricing_packs (id),
    portfolio_id       text NOT NULL REFERENCES portfolios (id),
    date               date NOT NULL,
    ledger_commit_hash text NOT NULL REFERENCES ledger_commits (commit_hash),
    base_currency      text NOT NULL,
    value_base         numeric NOT NULL,
    flow_in_base       numeric NOT NULL CHECK (flow_in_base >= 0),
    flow_out_base      numeric NOT NULL CHECK (flow_out_base >= 0),
    PRIMARY KEY (pack_id, portfolio_id)
);

CREATE INDEX pack_valuations_window ON pack_valuations (portfolio_id, date);

CREATE TABLE pack_holding_valuations (
    pack_id        text NOT NULL REFERENCES pricing_packs (id),
    portfolio_id   text NOT NULL,
    commodity      text NOT NULL,
    units          numeric NOT NULL,
    price_currency text NOT NULL,
    price          numeric NOT NULL,
    value_local    numeric NOT NULL,
    fx_rate        numeric NOT NULL,
    value_base     numeric NOT NULL,
    PRIMARY KEY (pack_id, portfolio_id, commodity),
    FOREIGN KEY (pack_id, portfolio_id) REFERENCES pack_valuations (pack_id, portfolio_id)
);

CREATE TRIGGER pack_prices_while_warming AFTER INSERT ON pack_prices
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION pack_rows_while_warming();
CREATE TRIGGER pack_fx_rates_while_warming AFTER INSERT ON pack_fx_rates
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION pack_rows_while_warming();
CREATE TRIGGER pack_valuations_while_warming AFTER INSERT ON pack_valuations
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION pack_rows_while_warming();
CREATE TRIGGER pack_holding_valuations_while_warming AFTER INSERT ON pack_holding_valuations
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION pack_rows_while_warming();

CREATE TRIGGER pack_prices_append_only BEFORE UPDATE OR DELETE ON pack_prices
    FOR EACH ROW EXECUTE FUNCTION reject_change();
CREATE TRIGGER pack_fx_rates_append_only BEFORE UPDATE OR DELETE ON pack_fx_rates
    FOR EACH ROW EXECUTE FUNCTION reject_change();
CREATE TRIGGER pack_valuations_append_only BEFORE UPDATE OR DELETE ON pack_valuations
    FOR EACH ROW EXECUTE FUNCTION reject_change();
CREATE TRIGGER pack_holding_valuations_append_only BEFORE UPDATE OR DELETE ON pack_holding_valuations
    FOR EACH ROW EXECUTE FUNCTION reject_change();
CREATE TRIGGER pack_prices_no_truncate BEFORE TRUNCATE ON pack_prices
    FOR EACH STATEMENT EXECUTE FUNCTION reject_truncate();
CREATE TRIGGER pack_fx_rates_no_truncate BEFORE TRUNCATE ON pack_fx_rates
    FOR EACH STATEMENT EXECUTE FUNCTION reject_truncate();
CREATE TRIGGER pack_valuations_no_truncate BEFORE TRUNCATE ON pack_valuations
    FOR EACH STATEMENT EXECUTE FUNCTION reject_truncate();
CREATE TRIGGER pack_holding_valuations_no_truncate BEFORE TRUNCATE ON pack_holding_valuations
    FOR EACH STATEMENT EXECUTE FUNCTION reject_truncate();
