-- The holding window reads a portfolio's holdings over years as float64, the pinned
-- convention. PostgreSQL converts numeric to float8 through text, about a quarter of a
-- microsecond a value, three values a row: for 500 holdings over ten years, a quarter of
-- the request. The same conversion is now made once, when a pack's rows are written;
-- numeric stays the record. STORED: PostgreSQL 18 would otherwise compute them on read.
ALTER TABLE pack_holding_valuations
    ADD COLUMN price_f8 double precision GENERATED ALWAYS AS (price::float8) STORED,
    ADD COLUMN fx_rate_f8 double precision GENERATED ALWAYS AS (fx_rate::float8) STORED,
    ADD COLUMN value_base_f8 double precision GENERATED ALWAYS AS (value_base::float8) STORED;
