-- The valuation policies of 0007 ran their EXISTS subquery once per row: a ten-year window
-- of 500 holdings (1.3 million rows) spent seconds in it. The caller's portfolios are now
-- collected once per query (an InitPlan) and each row is checked against that array.
DROP POLICY valuations_of_the_caller ON pack_valuations;
DROP POLICY holding_valuations_of_the_caller ON pack_holding_valuations;

CREATE POLICY valuations_of_the_caller ON pack_valuations TO dawsos_api
    USING (portfolio_id = ANY (ARRAY(SELECT p.id FROM portfolios p)));
CREATE POLICY holding_valuations_of_the_caller ON pack_holding_valuations TO dawsos_api
    USING (portfolio_id = ANY (ARRAY(SELECT p.id FROM portfolios p)));
