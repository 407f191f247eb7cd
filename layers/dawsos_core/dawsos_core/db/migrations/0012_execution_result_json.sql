-- An execution's result is stored as json, not jsonb: json keeps the canonical text the
-- result hash was computed over byte for byte, and the insert skips jsonb's parse into its
-- binary form (about a third of the insert's cost for a 20 kB answer). Nothing queries into
-- the result; it is read whole.
ALTER TABLE executions ALTER COLUMN result TYPE json USING result::json;

DO $$
BEGIN
    ALTER TABLE executions ALTER COLUMN result SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
    ALTER TABLE executions ALTER COLUMN result SET STORAGE EXTERNAL;
END;
$$;
