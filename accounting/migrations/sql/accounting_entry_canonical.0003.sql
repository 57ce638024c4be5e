-- The canonical text of a validated entry, hashed into its fiscal year's chain. JSON, so that no
-- separator in a label can make two different entries read the same; lettering is left out (it may
-- change). accounting_post_batch builds the same text set-based: change both together, and
-- ledger_verify, which recomputes the chain.
CREATE OR REPLACE FUNCTION accounting_entry_canonical(e accounting_entry) RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
    lines json;
BEGIN
    SELECT coalesce(json_agg(json_build_array(
               l.line_no, l.account_id, l.activity_id, l.third_party_id, l.debit, l.credit,
               l.label) ORDER BY l.line_no), '[]'::json)
      INTO lines
      FROM accounting_entryline l WHERE l.entry_id = e.id;
    RETURN json_build_array(
        'v1', e.cooperative_id, e.fiscal_year_id, e.journal_id, e.number, e.chain_seq, e.date,
        e.piece_ref, e.piece_date, e.label,
        to_char(e.validated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        e.reverses_id, e.idempotency_key, e.payload_hash, lines
    )::text;
END
$$;
