-- The execute function registers its caller's ledgers and cuts its caller's portfolios
-- from them (POST /v1/ledgers, POST /v1/portfolios), and shows an owner the commits of its
-- own ledgers before any portfolio names them. It writes no other column (nothing it
-- writes is updated later through the API) and never the rows of another owner: a ledger
-- is the caller's, a portfolio the caller's and cut from one of the caller's ledgers.

GRANT INSERT (id, owner_sub, remote_url, remote_ref, token_secret_arn, local_path,
    webhook_secret, webhook_secret_arn) ON ledgers TO dawsos_execute;
GRANT INSERT (id, owner_sub, ledger_id, name, account_prefixes, internal_prefixes,
    base_currency, benchmarks) ON portfolios TO dawsos_execute;

CREATE POLICY ledgers_by_the_caller ON ledgers FOR INSERT TO dawsos_execute
    WITH CHECK (owner_sub = current_setting('dawsos.user_sub', true));
CREATE POLICY portfolios_by_the_caller ON portfolios FOR INSERT TO dawsos_execute
    WITH CHECK (owner_sub = current_setting('dawsos.user_sub', true)
                AND ledger_id = ANY (ARRAY(SELECT l.id FROM ledgers l
                    WHERE l.owner_sub = current_setting('dawsos.user_sub', true))));

-- The caller's ledgers: those its portfolios name and those it owns (few either way, read
-- once per statement as in 0021).
DROP POLICY ledger_commits_of_the_caller ON ledger_commits;
DROP POLICY ledger_accounts_of_the_caller ON ledger_accounts;
DROP POLICY ledger_transactions_of_the_caller ON ledger_transactions;
DROP POLICY ledger_postings_of_the_caller ON ledger_postings;
DROP POLICY ledger_prices_of_the_caller ON ledger_prices;
DROP POLICY ledger_commodities_of_the_caller ON ledger_commodities;

CREATE POLICY ledger_commits_of_the_caller ON ledger_commits FOR SELECT TO dawsos_execute
    USING (ledger_id = ANY (ARRAY(SELECT p.ledger_id FROM portfolios p UNION
                                  SELECT l.id FROM ledgers l)));
CREATE POLICY ledger_accounts_of_the_caller ON ledger_accounts FOR SELECT TO dawsos_execute
    USING (ledger_id = ANY (ARRAY(SELECT p.ledger_id FROM portfolios p UNION
                                  SELECT l.id FROM ledgers l)));
CREATE POLICY ledger_transactions_of_the_caller ON ledger_transactions FOR SELECT
    TO dawsos_execute
    USING (ledger_id = ANY (ARRAY(SELECT p.ledger_id FROM portfolios p UNION
                                  SELECT l.id FROM ledgers l)));
CREATE POLICY ledger_postings_of_the_caller ON ledger_postings FOR SELECT TO dawsos_execute
    USING (ledger_id = ANY (ARRAY(SELECT p.ledger_id FROM portfolios p UNION
                                  SELECT l.id FROM ledgers l)));
CREATE POLICY ledger_prices_of_the_caller ON ledger_prices FOR SELECT TO dawsos_execute
    USING (ledger_id = ANY (ARRAY(SELECT p.ledger_id FROM portfolios p UNION
                                  SELECT l.id FROM ledgers l)));
CREATE POLICY ledger_commodities_of_the_caller ON ledger_commodities FOR SELECT
    TO dawsos_execute
    USING (ledger_id = ANY (ARRAY(SELECT p.ledger_id FROM portfolios p UNION
                                  SELECT l.id FROM ledgers l)));
