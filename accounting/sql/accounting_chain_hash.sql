-- One link of a fiscal year's hash chain: the SHA-256 of the previous link and the entry's
-- canonical text.
CREATE FUNCTION accounting_chain_hash(prev_hash text, canonical text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT encode(sha256(convert_to(prev_hash || canonical, 'UTF8')), 'hex')
$$;
