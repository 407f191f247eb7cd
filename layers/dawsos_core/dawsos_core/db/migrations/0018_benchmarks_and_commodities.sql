-- A portfolio may name benchmark commodities (any commodity a pack prices), compared with
-- it in its base. A commit's commodity directives are stored with their metadata (name,
-- asset-class, region, sector, ...): what allocations are grouped by.
ALTER TABLE portfolios
    ADD COLUMN benchmarks text[] NOT NULL DEFAULT '{}'
        CHECK (cardinality(benchmarks) <= 10);

CREATE TABLE ledger_commodities (
    commit_hash text NOT NULL REFERENCES ledger_commits (commit_hash),
    commodity   text NOT NULL,
    meta        jsonb NOT NULL DEFAULT '{}'::jsonb,
    PRIMARY KEY (commit_hash, commodity)
);

CREATE TRIGGER ledger_commodities_append_only BEFORE UPDATE OR DELETE ON ledger_commodities
    FOR EACH ROW EXECUTE FUNCTION reject_change();
CREATE TRIGGER ledger_commodities_no_truncate BEFORE TRUNCATE ON ledger_commodities
    FOR EACH STATEMENT EXECUTE FUNCTION reject_truncate();
