-- Least privilege. Run as dawsos_owner, which now owns every object (the runner handed
-- them over). Each function logs in as a role of its own (dawsos_core/db/roles.py makes
-- them) holding only the grants below, and row-level security confines it: the execute
-- and export roles to the caller named in dawsos.user_sub, the pack builder to nothing
-- less than the whole book (a system job). A table with row-level security and no policy
-- for a role shows that role nothing, so a grant added later without a policy is safe.
--
-- dawsos_api, the role the API set per request until now, holds nothing from here on.

DROP POLICY portfolios_of_the_caller ON portfolios;
DROP POLICY executions_of_the_caller ON executions;
DROP POLICY valuations_of_the_caller ON pack_valuations;
DROP POLICY holding_valuations_of_the_caller ON pack_holding_valuations;
DROP POLICY exports_of_the_caller ON exports;
DROP POLICY violations_of_the_caller ON rights_violations;
DROP POLICY valuations_of_the_caller ON valuations;
DROP POLICY holding_valuations_of_the_caller ON holding_valuations;
DROP POLICY valuation_effects_of_the_caller ON valuation_effects;
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM dawsos_api, PUBLIC;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM dawsos_api, PUBLIC;

-- The execute function: market data, the caller's portfolios and the ledgers they use,
-- valuations (it values on demand what no writer valued first), and its answers.
GRANT SELECT ON pricing_packs, pack_prices, pack_fixings, pack_fx_rates,
    macro_observations, news_articles, company_profiles,
    portfolios, executions, valuations, holding_valuations, valuation_effects,
    ledger_commits, ledger_accounts, ledger_transactions, ledger_postings, ledger_prices,
    ledger_commodities
    TO dawsos_execute;
GRANT INSERT ON executions, valuations, holding_valuations, valuation_effects TO dawsos_execute;

-- The export function: the caller's executions, its exports and the refusals it records.
GRANT SELECT ON executions, exports TO dawsos_export;
GRANT INSERT ON exports, rights_violations TO dawsos_export;

-- The pack builder: reads the book and the market data, writes packs (content only while
-- a pack is warming, then the columns that finish it), valuations, the feeds, and the
-- ledger rows of a sync. No UPDATE of content, no DELETE, no TRUNCATE.
GRANT SELECT ON pricing_packs, pack_prices, pack_fixings, pack_fx_rates,
    macro_observations, news_articles, company_profiles,
    portfolios, valuations, holding_valuations, valuation_effects,
    ledger_commits, ledger_accounts, ledger_transactions, ledger_postings, ledger_prices,
    ledger_files, ledger_blobs, ledger_commodities
    TO dawsos_pack_builder;
GRANT INSERT ON pricing_packs, pack_prices, pack_fixings,
    macro_observations, news_articles, company_profiles,
    valuations, holding_valuations, valuation_effects,
    ledger_commits, ledger_accounts, ledger_transactions, ledger_postings, ledger_prices,
    ledger_files, ledger_blobs, ledger_commodities
    TO dawsos_pack_builder;
GRANT UPDATE (status, is_fresh, prewarm_done, reconciliation_passed, reconciliation_error_bps,
    error_message, superseded_by) ON pricing_packs TO dawsos_pack_builder;

-- The caller's rows. Each policy's subquery is an InitPlan, run once per statement; a row
-- is checked against its array, which the planner also uses as an index condition.
CREATE POLICY portfolios_of_the_caller ON portfolios FOR SELECT TO dawsos_execute
    USING (owner_sub = current_setting('dawsos.user_sub', true));

CREATE POLICY executions_of_the_caller ON executions FOR SELECT TO dawsos_execute, dawsos_export
    USING (user_sub = current_setting('dawsos.user_sub', true));
CREATE POLICY executions_by_the_caller ON executions FOR INSERT TO dawsos_execute
    WITH CHECK (user_sub = current_setting('dawsos.user_sub', true));

CREATE POLICY exports_of_the_caller ON exports FOR SELECT TO dawsos_export
    USING (user_sub = current_setting('dawsos.user_sub', true));
CREATE POLICY exports_by_the_caller ON exports FOR INSERT TO dawsos_export
    WITH CHECK (user_sub = current_setting('dawsos.user_sub', true));
CREATE POLICY violations_of_the_caller ON rights_violations FOR INSERT TO dawsos_export
    WITH CHECK (user_sub = current_setting('dawsos.user_sub', true));

CREATE POLICY valuations_of_the_caller ON valuations FOR SELECT TO dawsos_execute
    USING (portfolio_id = ANY (ARRAY(SELECT p.id FROM portfolios p)));
CREATE POLICY valuations_by_the_caller ON valuations FOR INSERT TO dawsos_execute
    WITH CHECK (portfolio_id = ANY (ARRAY(SELECT p.id FROM portfolios p)));
CREATE POLICY holding_valuations_of_the_caller ON holding_valuations FOR SELECT TO dawsos_execute
    USING (portfolio_id = ANY (ARRAY(SELECT p.id FROM portfolios p)));
CREATE POLICY holding_valuations_by_the_caller ON holding_valuations FOR INSERT TO dawsos_execute
    WITH CHECK (portfolio_id = ANY (ARRAY(SELECT p.id FROM portfolios p)));
CREATE POLICY valuation_effects_of_the_caller ON valuation_effects FOR SELECT TO dawsos_execute
    USING (portfolio_id = ANY (ARRAY(SELECT p.id FROM portfolios p)));
CREATE POLICY valuation_effects_by_the_caller ON valuation_effects FOR INSERT TO dawsos_execute
    WITH CHECK (portfolio_id = ANY (ARRAY(SELECT p.id FROM portfolios p)));

-- A ledger belongs to the portfolios that name it: the caller sees the commits of the
-- ledgers its portfolios use, and the rows of those commits.
ALTER TABLE ledger_commits ENABLE ROW LEVEL SECURITY;
ALTER TABLE ledger_accounts ENABLE ROW LEVEL SECURITY;
ALTER TABLE ledger_transactions ENABLE ROW LEVEL SECURITY;
ALTER TABLE ledger_postings ENABLE ROW LEVEL SECURITY;
ALTER TABLE ledger_prices ENABLE ROW LEVEL SECURITY;
ALTER TABLE ledger_files ENABLE ROW LEVEL SECURITY;
ALTER TABLE ledger_blobs ENABLE ROW LEVEL SECURITY;
ALTER TABLE ledger_commodities ENABLE ROW LEVEL SECURITY;

CREATE POLICY ledger_commits_of_the_caller ON ledger_commits FOR SELECT TO dawsos_execute
    USING (ledger_id = ANY (ARRAY(SELECT p.ledger_id FROM portfolios p)));
CREATE POLICY ledger_accounts_of_the_caller ON ledger_accounts FOR SELECT TO dawsos_execute
    USING (commit_hash = ANY (ARRAY(SELECT c.commit_hash FROM ledger_commits c)));
CREATE POLICY ledger_transactions_of_the_caller ON ledger_transactions FOR SELECT
    TO dawsos_execute
    USING (commit_hash = ANY (ARRAY(SELECT c.commit_hash FROM ledger_commits c)));
CREATE POLICY ledger_postings_of_the_caller ON ledger_postings FOR SELECT TO dawsos_execute
    USING (commit_hash = ANY (ARRAY(SELECT c.commit_hash FROM ledger_commits c)));
CREATE POLICY ledger_prices_of_the_caller ON ledger_prices FOR SELECT TO dawsos_execute
    USING (commit_hash = ANY (ARRAY(SELECT c.commit_hash FROM ledger_commits c)));
CREATE POLICY ledger_commodities_of_the_caller ON ledger_commodities FOR SELECT
    TO dawsos_execute
    USING (commit_hash = ANY (ARRAY(SELECT c.commit_hash FROM ledger_commits c)));

-- The pack builder values every portfolio at every ledger's commits.
CREATE POLICY portfolios_for_the_pack_builder ON portfolios TO dawsos_pack_builder
    USING (true) WITH CHECK (true);
CREATE POLICY valuations_for_the_pack_builder ON valuations TO dawsos_pack_builder
    USING (true) WITH CHECK (true);
CREATE POLICY holding_valuations_for_the_pack_builder ON holding_valuations
    TO dawsos_pack_builder USING (true) WITH CHECK (true);
CREATE POLICY valuation_effects_for_the_pack_builder ON valuation_effects
    TO dawsos_pack_builder USING (true) WITH CHECK (true);
CREATE POLICY ledger_commits_for_the_pack_builder ON ledger_commits TO dawsos_pack_builder
    USING (true) WITH CHECK (true);
CREATE POLICY ledger_accounts_for_the_pack_builder ON ledger_accounts TO dawsos_pack_builder
    USING (true) WITH CHECK (true);
CREATE POLICY ledger_transactions_for_the_pack_builder ON ledger_transactions
    TO dawsos_pack_builder USING (true) WITH CHECK (true);
CREATE POLICY ledger_postings_for_the_pack_builder ON ledger_postings TO dawsos_pack_builder
    USING (true) WITH CHECK (true);
CREATE POLICY ledger_prices_for_the_pack_builder ON ledger_prices TO dawsos_pack_builder
    USING (true) WITH CHECK (true);
CREATE POLICY ledger_files_for_the_pack_builder ON ledger_files TO dawsos_pack_builder
    USING (true) WITH CHECK (true);
CREATE POLICY ledger_blobs_for_the_pack_builder ON ledger_blobs TO dawsos_pack_builder
    USING (true) WITH CHECK (true);
CREATE POLICY ledger_commodities_for_the_pack_builder ON ledger_commodities
    TO dawsos_pack_builder USING (true) WITH CHECK (true);
