-- The ledger of record, one snapshot per Git commit. Rows are written once by a sync and
-- never changed, so an answer pinned to an old commit stays reproducible.

CREATE FUNCTION reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % is refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$;

CREATE TABLE ledger_commits (
    commit_hash          text PRIMARY KEY CHECK (commit_hash ~ '^[0-9a-f]{40}$|^[0-9a-f]{64}$'),
    main_file            text NOT NULL,
    committed_at         timestamptz NOT NULL,
    operating_currencies text[] NOT NULL DEFAULT '{}',
    cash_currencies      text[] NOT NULL DEFAULT '{}',
    transactions         integer NOT NULL CHECK (transactions >= 0),
    postings             integer NOT NULL CHECK (postings >= 0),
    prices               integer NOT NULL CHECK (prices >= 0),
    synced_at            timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE INDEX ledger_commits_recent ON ledger_commits (synced_at DESC);

CREATE TABLE ledger_accounts (
    commit_hash text NOT NULL REFERENCES ledger_commits (commit_hash),
    account     text NOT NULL,
    open_date   date NOT NULL,
    close_date  date,
    currencies  text[] NOT NULL DEFAULT '{}',
    PRIMARY KEY (commit_hash, account)
);

CREATE TABLE ledger_transactions (
    commit_hash text NOT NULL REFERENCES ledger_commits (commit_hash),
    txn_id      integer NOT NULL,
    date        date NOT NULL,
    flag        text NOT NULL,
    payee       text,
    narration   text NOT NULL DEFAULT '',
    source      text NOT NULL DEFAULT '',
    PRIMARY KEY (commit_hash, txn_id)
);

CREATE TABLE ledger_postings (
    commit_hash    text NOT NULL,
    txn_id         integer NOT NULL,
    posting_no     smallint NOT NULL,
    date           date NOT NULL,
    account        text NOT NULL,
    currency       text NOT NULL,
    units          numeric NOT NULL,
    cost_number    numeric,
    cost_currency  text,
    cost_date      date,
    cost_label     text,
    price_number   numeric,
    price_currency text,
    -- (commit_hash, txn_id) names a ledger_transactions row written by the same sync in the
    -- same transaction; a per-row foreign key check would cost a third of the sync.
    PRIMARY KEY (commit_hash, txn_id, posting_no),
    CHECK ((cost_number IS NULL) = (cost_currency IS NULL))
);

CREATE INDEX ledger_postings_by_account ON ledger_postings (commit_hash, account, date);
CREATE INDEX ledger_postings_by_date ON ledger_postings (commit_hash, date);

CREATE TABLE ledger_prices (
    commit_hash    text NOT NULL REFERENCES ledger_commits (commit_hash),
    price_no       integer NOT NULL,
    date           date NOT NULL,
    commodity      text NOT NULL,
    quote_currency text NOT NULL,
    number         numeric NOT NULL,
    PRIMARY KEY (commit_hash, price_no)
);

CREATE INDEX ledger_prices_lookup ON ledger_prices (commit_hash, commodity, quote_currency, date);

CREATE TRIGGER ledger_commits_append_only BEFORE UPDATE OR DELETE ON ledger_commits
    FOR EACH ROW EXECUTE FUNCTION reject_change();
CREATE TRIGGER ledger_accounts_append_only BEFORE UPDATE OR DELETE ON ledger_accounts
    FOR EACH ROW EXECUTE FUNCTION reject_change();
CREATE TRIGGER ledger_transactions_append_only BEFORE UPDATE OR DELETE ON ledger_transactions
    FOR EACH ROW EXECUTE FUNCTION reject_change();
CREATE TRIGGER ledger_postings_append_only BEFORE UPDATE OR DELETE ON ledger_postings
    FOR EACH ROW EXECUTE FUNCTION reject_change();
CREATE TRIGGER ledger_prices_append_only BEFORE UPDATE OR DELETE ON ledger_prices
    FOR EACH ROW EXECUTE FUNCTION reject_change();
CREATE TRIGGER ledger_commits_no_truncate BEFORE TRUNCATE ON ledger_commits
    FOR EACH STATEMENT EXECUTE FUNCTION reject_truncate();
CREATE TRIGGER ledger_accounts_no_truncate BEFORE TRUNCATE ON ledger_accounts
    FOR EACH STATEMENT EXECUTE FUNCTION reject_truncate();
CREATE TRIGGER ledger_transactions_no_truncate BEFORE TRUNCATE ON ledger_transactions
    FOR EACH STATEMENT EXECUTE FUNCTION reject_truncate();
CREATE TRIGGER ledger_postings_no_truncate BEFORE TRUNCATE ON ledger_postings
    FOR EACH STATEMENT EXECUTE FUNCTION reject_truncate();
CREATE TRIGGER ledger_prices_no_truncate BEFORE TRUNCATE ON ledger_prices
    FOR EACH STATEMENT EXECUTE FUNCTION reject_truncate();

ALTER TABLE executions
    ADD CONSTRAINT executions_ledger_commit_fk
    FOREIGN KEY (ledger_commit_hash) REFERENCES ledger_commits (commit_hash);
