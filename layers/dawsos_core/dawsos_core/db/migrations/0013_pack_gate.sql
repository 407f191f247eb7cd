-- The freshness gate runs at the start of every execute request. As a plain statement it
-- was planned every time (about a quarter of a millisecond, a fifth of the request's
-- opening round trip); PL/pgSQL keeps its queries' plans for the life of the server
-- connection, which RDS Proxy reuses from client to client. Prepared statements would do
-- the same on the client's side but pin the proxy's connection.
CREATE FUNCTION pack_gate(gate_policy text, gate_date date)
    RETURNS TABLE (kind text, pack pricing_packs)
    LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN QUERY
        SELECT 'day', p FROM pricing_packs p
        WHERE p.policy = gate_policy AND p.date = gate_date;
    RETURN QUERY
        SELECT 'last_fresh', p FROM pricing_packs p
        WHERE p.policy = gate_policy AND p.date <= gate_date
          AND p.is_fresh AND p.superseded_by IS NULL
        ORDER BY p.date DESC
        LIMIT 1;
END;
$$;

GRANT EXECUTE ON FUNCTION pack_gate(text, date) TO dawsos_api;
