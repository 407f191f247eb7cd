-- The freshness gate is two plain queries in the packs repository again; the PL/pgSQL
-- function of 0013 has no caller.
DROP FUNCTION IF EXISTS pack_gate(text, date);
