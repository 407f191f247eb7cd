-- Portfolios: a set of account prefixes (holdings and cash) owned by one JWT subject, plus
-- the Income and Expenses prefixes whose postings count as return rather than flows.

CREATE TABLE portfolios (
    id                 text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_-]{1,64}$'),
    owner_sub          text NOT NULL CHECK (length(owner_sub) BETWEEN 1 AND 256),
    name               text NOT NULL DEFAULT '',
    account_prefixes   text[] NOT NULL CHECK (cardinality(account_prefixes) > 0),
    internal_prefixes  text[] NOT NULL DEFAULT '{}',
    base_currency      text NOT NULL DEFAULT 'CAD' CHECK (base_currency ~ '^[A-Z]{3}$'),
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX portfolios_owner ON portfolios (owner_sub);
