-- An execution's result (tens of kB of JSON) was compressed with pglz on every insert, the
-- largest single cost of an execute request after the capabilities. lz4 compresses it
-- several times faster where the server has it (Aurora and RDS do); elsewhere the value is
-- stored out of line uncompressed.
DO $$
BEGIN
    ALTER TABLE executions ALTER COLUMN result SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
    ALTER TABLE executions ALTER COLUMN result SET STORAGE EXTERNAL;
END;
$$;
