-- A commit's rows name its ledger, and row-level security admits them by it. The policies
-- of 0020 matched each row's commit against every commit of the caller's ledgers: an
-- array that grows with every sync, and a second condition on the column each query
-- already filters by, which the planner took to be far more selective than it is (a
-- commit's 500 accounts estimated at 24, and nested loops chosen on it). A portfolio's
-- holdings at a date took 28 to 51 ms for the owner's 1 on a ledger of 200 commits, and
-- 82 ms for 2 on one commit before the tables' first ANALYZE; by ledger, 2.7 ms for 2.4
-- without statistics too. The caller's ledgers are few, and read once per statement.
--
-- Everything synced so far belongs to ledger 'default' unless its commit says otherwise.
-- The default stays, for writers that name no ledger; a statement that writes rows naming
-- another ledger than their commit's is refused, checked once per statement.

ALTER TABLE ledger_accounts ADD COLUMN ledger_id text NOT NULL DEFAULT 'default';
ALTER TABLE ledger_transactions ADD COLUMN ledger_id text NOT NULL DEFAULT 'default';
ALTER TABLE ledger_postings ADD COLUMN ledger_id text NOT NULL DEFAULT 'default';
ALTER TABLE ledger_prices ADD COLUMN ledger_id text NOT NULL DEFAULT 'default';
ALTER TABLE ledger_files ADD COLUMN ledger_id text NOT NULL DEFAULT 'default';
ALTER TABLE ledger_commodities ADD COLUMN ledger_id text NOT NULL DEFAULT 'default';

DO $$
DECLARE
    child text;
BEGIN
    IF EXISTS (SELECT 1 FROM ledger_commits WHERE ledger_id <> 'default') THEN
        FOREACH child IN ARRAY ARRAY['ledger_accounts', 'ledger_transactions',
                                     'ledger_postings', 'ledger_prices', 'ledger_files',
                                     'ledger_commodities'] LOOP
            EXECUTE format('ALTER TABLE %I DISABLE TRIGGER %I', child, child || '_append_only');
            EXECUTE format('UPDATE %I r SET ledger_id = c.ledger_id FROM ledger_commits c'
                           ' WHERE c.commit_hash = r.commit_hash AND c.ledger_id <> ''default''',
                           child);
            EXECUTE format('ALTER TABLE %I ENABLE TRIGGER %I', child, child || '_append_only');
        END LOOP;
    END IF;
END;
$$;

CREATE FUNCTION ledger_rows_of_their_ledger() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    offending text;
BEGIN
    SELECT n.commit_hash INTO offending
    FROM new_rows n JOIN ledger_commits c ON c.commit_hash = n.commit_hash
    WHERE c.ledger_id <> n.ledger_id
    LIMIT 1;
    IF offending IS NOT NULL THEN
        RAISE EXCEPTION '% rows of commit % must name its ledger', TG_TABLE_NAME, offending
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER ledger_accounts_of_their_ledger AFTER INSERT ON ledger_accounts
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_rows_of_their_ledger();
CREATE TRIGGER ledger_transactions_of_their_ledger AFTER INSERT ON ledger_transactions
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_rows_of_their_ledger();
CREATE TRIGGER ledger_postings_of_their_ledger AFTER INSERT ON ledger_postings
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_rows_of_their_ledger();
CREATE TRIGGER ledger_prices_of_their_ledger AFTER INSERT ON ledger_prices
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_rows_of_their_ledger();
CREATE TRIGGER ledger_files_of_their_ledger AFTER INSERT ON ledger_files
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_rows_of_their_ledger();
CREATE TRIGGER ledger_commodities_of_their_ledger AFTER INSERT ON ledger_commodities
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_rows_of_their_ledger();

DROP POLICY ledger_accounts_of_the_caller ON ledger_accounts;
DROP POLICY ledger_transactions_of_the_caller ON ledger_transactions;
DROP POLICY ledger_postings_of_the_caller ON ledger_postings;
DROP POLICY ledger_prices_of_the_caller ON ledger_prices;
DROP POLICY ledger_commodities_of_the_caller ON ledger_commodities;

CREATE POLICY ledger_accounts_of_the_caller ON ledger_accounts FOR SELECT TO dawsos_execute
    USING (ledger_id = ANY (ARRAY(SELECT p.ledger_id FROM portfolios p)));
CREATE POLICY ledger_transactions_of_the_caller ON ledger_transactions FOR SELECT
    TO dawsos_execute
    USING (ledger_id = ANY (ARRAY(SELECT p.ledger_id FROM portfolios p)));
CREATE POLICY ledger_postings_of_the_caller ON ledger_postings FOR SELECT TO dawsos_execute
    USING (ledger_id = ANY (ARRAY(SELECT p.ledger_id FROM portfolios p)));
CREATE POLICY ledger_prices_of_the_caller ON ledger_prices FOR SELECT TO dawsos_execute
    USING (ledger_id = ANY (ARRAY(SELECT p.ledger_id FROM portfolios p)));
CREATE POLICY ledger_commodities_of_the_caller ON ledger_commodities FOR SELECT
    TO dawsos_execute
    USING (ledger_id = ANY (ARRAY(SELECT p.ledger_id FROM portfolios p)));
