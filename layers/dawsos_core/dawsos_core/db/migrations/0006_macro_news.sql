-- Macro series (FRED) and news headlines (NewsAPI), stored when fetched so that answers
-- read them as of the request's pack date. The first value stored for a date is kept:
-- a later revision does not change an answer already given. Demo rows are flagged.

CREATE TABLE macro_observations (
    series_id  text NOT NULL CHECK (series_id ~ '^[A-Z0-9_]{1,40}$'),
    date       date NOT NULL,
    value      numeric NOT NULL,
    provider   text NOT NULL,
    demo       boolean NOT NULL DEFAULT false,
    fetched_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (series_id, date)
);

CREATE TABLE news_articles (
    id           text PRIMARY KEY CHECK (id ~ '^[0-9a-f]{64}$'),
    symbol       text NOT NULL,
    published_at timestamptz NOT NULL,
    title        text NOT NULL,
    url          text NOT NULL,
    outlet       text NOT NULL DEFAULT '',
    provider     text NOT NULL,
    demo         boolean NOT NULL DEFAULT false,
    fetched_at   timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX news_articles_by_symbol ON news_articles (symbol, published_at DESC);

CREATE TRIGGER macro_observations_append_only BEFORE UPDATE OR DELETE ON macro_observations
    FOR EACH ROW EXECUTE FUNCTION reject_change();
CREATE TRIGGER news_articles_append_only BEFORE UPDATE OR DELETE ON news_articles
    FOR EACH ROW EXECUTE FUNCTION reject_change();
