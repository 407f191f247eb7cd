-- Company profiles (FMP), stored as of the day they were fetched; answers read the latest
-- profile on or before their pack date. Append-only; demo rows are flagged.

CREATE TABLE company_profiles (
    symbol        text NOT NULL,
    as_of         date NOT NULL,
    provider      text NOT NULL,
    company_name  text NOT NULL DEFAULT '',
    sector        text NOT NULL DEFAULT '',
    industry      text NOT NULL DEFAULT '',
    currency      text NOT NULL DEFAULT '',
    market_cap    numeric,
    beta          numeric,
    last_dividend numeric,
    demo          boolean NOT NULL DEFAULT false,
    fetched_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (symbol, as_of, provider)
);

CREATE TRIGGER company_profiles_append_only BEFORE UPDATE OR DELETE ON company_profiles
    FOR EACH ROW EXECUTE FUNCTION reject_change();
