-- The valuation model. A pricing pack is one weekday's market data under a policy that
-- names an FX source: prices, and the source's own fixings against its pivot currency,
-- hashed over that content alone (no ledger commit, no base currency). A valuation is a
-- function of (portfolio, ledger commit, pack) and is stored under all three. When each
-- pack became live and when it was superseded is recorded, so that an answer can name the
-- packs that were live at one instant. A commit's files are stored at sync,
-- content-addressed, so that nothing after a sync needs the repository.
--
-- Packs of the earlier model (policies ECB_CAD, BOC_CAD, WM4PM_CAD, with a ledger commit
-- and base currency) and their valuations stay readable as history; packs are now built
-- under ECB, BOC and WM4PM.

-- Commodity codes of any length Beancount accepts (and '/6J'-style futures).
ALTER TABLE pack_prices DROP CONSTRAINT pack_prices_quote_currency_check,
    ADD CONSTRAINT pack_prices_commodity_code CHECK (
        commodity ~ '^/?[A-Z0-9][A-Z0-9''._-]*$' AND length(commodity) <= 64
        AND quote_currency ~ '^/?[A-Z0-9][A-Z0-9''._-]*$' AND length(quote_currency) <= 64);

-- The FX source's own fixings, as it publishes them: 'per_pivot' is units of the currency
-- per one unit of the pivot (ECB: USD per EUR), 'in_pivot' is pivot units per one unit of
-- the currency (Bank of Canada: CAD per USD). The cross to a base is made at valuation.
CREATE TABLE pack_fixings (
    pack_id     text NOT NULL,
    currency    text NOT NULL CHECK (currency ~ '^/?[A-Z0-9][A-Z0-9''._-]*$' AND length(currency) <= 64),
    pivot       text NOT NULL CHECK (pivot ~ '^[A-Z]{3}$'),
    quoted      text NOT NULL CHECK (quoted IN ('per_pivot', 'in_pivot')),
    rate        numeric NOT NULL CHECK (rate > 0),
    source      text NOT NULL,
    observed_on date NOT NULL,
    PRIMARY KEY (pack_id, currency),
    CHECK (currency <> pivot)
);

CREATE TRIGGER pack_fixings_while_warming AFTER INSERT ON pack_fixings
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION pack_rows_while_warming();
CREATE TRIGGER pack_fixings_append_only BEFORE UPDATE OR DELETE ON pack_fixings
    FOR EACH ROW EXECUTE FUNCTION reject_change();
CREATE TRIGGER pack_fixings_no_truncate BEFORE TRUNCATE ON pack_fixings
    FOR EACH STATEMENT EXECUTE FUNCTION reject_truncate();

-- When a pack became live (fresh) and when it stopped being live (superseded): set by the
-- database in the transaction that makes the change, never by a caller.
ALTER TABLE pricing_packs ADD COLUMN fresh_at timestamptz, ADD COLUMN superseded_at timestamptz;

UPDATE pricing_packs SET fresh_at = created_at WHERE is_fresh;
UPDATE pricing_packs p SET superseded_at = s.created_at
    FROM pricing_packs s WHERE s.id = p.superseded_by;

ALTER TABLE pricing_packs
    ADD CONSTRAINT pricing_packs_fresh_at_iff_fresh CHECK ((fresh_at IS NOT NULL) = is_fresh),
    ADD CONSTRAINT pricing_packs_superseded_at_iff_superseded
        CHECK ((superseded_at IS NOT NULL) = (superseded_by IS NOT NULL));

CREATE INDEX pricing_packs_live ON pricing_packs (policy, date, fresh_at) WHERE is_fresh;

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
    IF NEW.fresh_at IS DISTINCT FROM OLD.fresh_at
       OR NEW.superseded_at IS DISTINCT FROM OLD.superseded_at THEN
        RAISE EXCEPTION 'pricing pack %: fresh_at and superseded_at are set by the database', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF OLD.status = 'warming' AND NEW.status = 'fresh' AND NEW.is_fresh THEN
        NEW.fresh_at := now();
    END IF;
    IF OLD.superseded_by IS NULL AND NEW.superseded_by IS NOT NULL THEN
        NEW.superseded_at := now();
    END IF;
    NEW.updated_at := now();
    RETURN NEW;
END;
$$;

-- An execution names its pack and its ledger commit, each on its own: a pack is no longer
-- built for a commit.
ALTER TABLE executions
    DROP CONSTRAINT executions_pack_commit_fk,
    ADD CONSTRAINT executions_pack_fk FOREIGN KEY (pricing_pack_id) REFERENCES pricing_packs (id),
    ADD CONSTRAINT executions_commit_fk
        FOREIGN KEY (ledger_commit_hash) REFERENCES ledger_commits (commit_hash);

-- Each portfolio belongs to one ledger, each commit to one ledger: "the latest commit" is a
-- property of a portfolio's ledger. Everything so far belongs to the one ledger 'default'.
ALTER TABLE ledger_commits
    ADD COLUMN ledger_id text NOT NULL DEFAULT 'default' CHECK (ledger_id ~ '^[A-Za-z0-9_-]{1,64}$'),
    -- commodities the ledger declares to be currencies beyond its operating currencies
    -- (commodity directives with the metadata "currency: TRUE"); NULL before this migration
    ADD COLUMN declared_currencies text[];
ALTER TABLE portfolios
    ADD COLUMN ledger_id text NOT NULL DEFAULT 'default' CHECK (ledger_id ~ '^[A-Za-z0-9_-]{1,64}$');
CREATE INDEX ledger_commits_latest ON ledger_commits (ledger_id, synced_at DESC);

-- A commit's files, content-addressed: the same file in many commits is stored once.
CREATE TABLE ledger_blobs (
    sha256  text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    content bytea NOT NULL
);

CREATE TABLE ledger_files (
    commit_hash text NOT NULL REFERENCES ledger_commits (commit_hash),
    path        text NOT NULL CHECK (length(path) BETWEEN 1 AND 1024),
    sha256      text NOT NULL REFERENCES ledger_blobs (sha256),
    PRIMARY KEY (commit_hash, path)
);

CREATE TRIGGER ledger_blobs_append_only BEFORE UPDATE OR DELETE ON ledger_blobs
    FOR EACH ROW EXECUTE FUNCTION reject_change();
CREATE TRIGGER ledger_files_append_only BEFORE UPDATE OR DELETE ON ledger_files
    FOR EACH ROW EXECUTE FUNCTION reject_change();
CREATE TRIGGER ledger_blobs_no_truncate BEFORE TRUNCATE ON ledger_blobs
    FOR EACH STATEMENT EXECUTE FUNCTION reject_truncate();
CREATE TRIGGER ledger_files_no_truncate BEFORE TRUNCATE ON ledger_files
    FOR EACH STATEMENT EXECUTE FUNCTION reject_truncate();

-- Valuations of a portfolio at a ledger commit with a pack: its value and external flows
-- in the portfolio's base currency, and each holding's. Written once (by the pack builder,
-- a sync, or on demand by the API for the caller's own portfolio) and never changed.
CREATE TABLE valuations (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    portfolio_id       text NOT NULL REFERENCES portfolios (id),
    ledger_commit_hash text NOT NULL REFERENCES ledger_commits (commit_hash),
    pack_id            text NOT NULL REFERENCES pricing_packs (id),
    date               date NOT NULL,
    base_currency      text NOT NULL CHECK (base_currency ~ '^[A-Z]{3}$'),
    value_base         numeric NOT NULL,
    flow_in_base       numeric NOT NULL CHECK (flow_in_base >= 0),
    flow_out_base      numeric NOT NULL CHECK (flow_out_base >= 0),
    created_at         timestamptz NOT NULL DEFAULT now(),
    UNIQUE (portfolio_id, ledger_commit_hash, pack_id)
);

CREATE INDEX valuations_window ON valuations (portfolio_id, ledger_commit_hash, date);

-- Keyed by its valuation's id: ten years of 500 holdings are 1.3 million rows, and the
-- narrow key makes their re-valuation take half the time. valuation_id names a valuations
-- row written by the same statement; a per-row foreign key check would cost a third more.
CREATE TABLE holding_valuations (
    valuation_id   bigint NOT NULL,
    portfolio_id   text NOT NULL,  -- its valuation's, for row-level security
    commodity      text NOT NULL,
    units          numeric NOT NULL,
    price_currency text NOT NULL,
    price          numeric NOT NULL,
    value_local    numeric NOT NULL,
    fx_rate        numeric NOT NULL,
    value_base     numeric NOT NULL,
    -- float64 copies for the analytics, converted once when the row is written
    price_f8       double precision GENERATED ALWAYS AS (price::float8) STORED,
    fx_rate_f8     double precision GENERATED ALWAYS AS (fx_rate::float8) STORED,
    value_base_f8  double precision GENERATED ALWAYS AS (value_base::float8) STORED,
    PRIMARY KEY (valuation_id, commodity)
);

CREATE TRIGGER valuations_append_only BEFORE UPDATE OR DELETE ON valuations
    FOR EACH ROW EXECUTE FUNCTION reject_change();
CREATE TRIGGER holding_valuations_append_only BEFORE UPDATE OR DELETE ON holding_valuations
    FOR EACH ROW EXECUTE FUNCTION reject_change();
CREATE TRIGGER valuations_no_truncate BEFORE TRUNCATE ON valuations
    FOR EACH STATEMENT EXECUTE FUNCTION reject_truncate();
CREATE TRIGGER holding_valuations_no_truncate BEFORE TRUNCATE ON holding_valuations
    FOR EACH STATEMENT EXECUTE FUNCTION reject_truncate();

GRANT SELECT, INSERT ON valuations, holding_valuations TO dawsos_api;
ALTER TABLE valuations ENABLE ROW LEVEL SECURITY;
ALTER TABLE holding_valuations ENABLE ROW LEVEL SECURITY;
CREATE POLICY valuations_of_the_caller ON valuations TO dawsos_api
    USING (portfolio_id = ANY (ARRAY(SELECT p.id FROM portfolios p)))
    WITH CHECK (portfolio_id = ANY (ARRAY(SELECT p.id FROM portfolios p)));
CREATE POLICY holding_valuations_of_the_caller ON holding_valuations TO dawsos_api
    USING (portfolio_id = ANY (ARRAY(SELECT p.id FROM portfolios p)))
    WITH CHECK (portfolio_id = ANY (ARRAY(SELECT p.id FROM portfolios p)));
