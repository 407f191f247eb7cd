-- Row-level security: the second wall behind the owner filters in every query. The API
-- runs each request as role dawsos_api with dawsos.user_sub set to the caller; that role
-- sees only the caller's portfolios, executions and valuations. Migrations, the pack
-- builder and the CLI run as the tables' owner, which the policies do not restrict.

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'dawsos_api') THEN
        CREATE ROLE dawsos_api NOLOGIN NOBYPASSRLS;
    END IF;
END;
$$;

GRANT dawsos_api TO CURRENT_USER;
GRANT USAGE ON SCHEMA public TO dawsos_api;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO dawsos_api;
GRANT INSERT ON executions TO dawsos_api;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO dawsos_api;

ALTER TABLE portfolios ENABLE ROW LEVEL SECURITY;
ALTER TABLE executions ENABLE ROW LEVEL SECURITY;
ALTER TABLE pack_valuations ENABLE ROW LEVEL SECURITY;
ALTER TABLE pack_holding_valuations ENABLE ROW LEVEL SECURITY;

CREATE POLICY portfolios_of_the_caller ON portfolios TO dawsos_api
    USING (owner_sub = current_setting('dawsos.user_sub', true));
CREATE POLICY executions_of_the_caller ON executions TO dawsos_api
    USING (user_sub = current_setting('dawsos.user_sub', true))
    WITH CHECK (user_sub = current_setting('dawsos.user_sub', true));
CREATE POLICY valuations_of_the_caller ON pack_valuations TO dawsos_api
    USING (EXISTS (SELECT 1 FROM portfolios p WHERE p.id = portfolio_id));
CREATE POLICY holding_valuations_of_the_caller ON pack_holding_valuations TO dawsos_api
    USING (EXISTS (SELECT 1 FROM portfolios p WHERE p.id = portfolio_id));
