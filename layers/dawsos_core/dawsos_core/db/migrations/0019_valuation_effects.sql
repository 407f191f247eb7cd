-- A portfolio's return effects of one day, in base, summed over its holdings: what
-- portfolio-level answers read, a row a day, instead of every holding-day. A day's effects
-- are measured from the valuation with the previous weekday's pack, so a row is keyed by
-- its day's valuation and that pack: a restated pack on either day is a new row. Written
-- once (at valuation, or on demand by the API for the caller's own portfolio).
CREATE TABLE valuation_effects (
    valuation_id     bigint NOT NULL REFERENCES valuations (id),
    previous_pack_id text NOT NULL REFERENCES pricing_packs (id),
    portfolio_id     text NOT NULL,  -- its valuation's, for row-level security
    local            double precision NOT NULL,
    fx               double precision NOT NULL,
    interaction      double precision NOT NULL,
    trading          double precision NOT NULL,
    dividends        double precision NOT NULL,
    interest         double precision NOT NULL,
    commissions      double precision NOT NULL,
    fees             double precision NOT NULL,
    withholding      double precision NOT NULL,
    PRIMARY KEY (valuation_id, previous_pack_id)
);

CREATE TRIGGER valuation_effects_append_only BEFORE UPDATE OR DELETE ON valuation_effects
    FOR EACH ROW EXECUTE FUNCTION reject_change();
CREATE TRIGGER valuation_effects_no_truncate BEFORE TRUNCATE ON valuation_effects
    FOR EACH STATEMENT EXECUTE FUNCTION reject_truncate();

GRANT SELECT, INSERT ON valuation_effects TO dawsos_api;
ALTER TABLE valuation_effects ENABLE ROW LEVEL SECURITY;
CREATE POLICY valuation_effects_of_the_caller ON valuation_effects TO dawsos_api
    USING (portfolio_id = ANY (ARRAY(SELECT p.id FROM portfolios p)))
    WITH CHECK (portfolio_id = ANY (ARRAY(SELECT p.id FROM portfolios p)));
