-- As migration 0002 installed it; migration 0003 replaced it.
-- Current definition: accounting/sql/accounting_entry_canonical.sql
CREATE FUNCTION accounting_entry_canonical(e accounting_entry) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT json_build_array(
        'v1', e.cooperative_id, e.fiscal_year_id, e.journal_id, e.number, e.chain_seq, e.date,
        e.piece_ref, e.piece_date, e.label,
        to_char(e.validated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        e.reverses_id, e.idempotency_key, e.payload_hash,
        (SELECT coalesce(json_agg(json_build_array(
                    l.line_no, l.account_id, l.activity_id, l.third_party_id, l.debit, l.credit,
                    l.label) ORDER BY l.line_no), '[]'::json)
           FROM accounting_entryline l WHERE l.entry_id = e.id)
    )::text
$$;
