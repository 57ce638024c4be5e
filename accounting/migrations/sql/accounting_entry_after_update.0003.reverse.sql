-- Reverse of migration 0003: as migration 0002 installed it.
-- Current definition: accounting/sql/accounting_entry_after_update.sql
CREATE OR REPLACE FUNCTION accounting_entry_after_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE accounting_entryline l SET date = n.date
      FROM new_rows n JOIN old_rows o ON o.id = n.id
     WHERE l.entry_id = n.id AND n.status = 'draft' AND n.date <> o.date;

    INSERT INTO accounting_monthlybalance AS b
           (cooperative_id, account_id, activity_id, month, debit, credit, line_count)
    SELECT l.cooperative_id, l.account_id, l.activity_id, date_trunc('month', l.date)::date,
           sum(l.debit), sum(l.credit), count(*)
      FROM new_rows n
      JOIN old_rows o ON o.id = n.id
      JOIN accounting_entryline l ON l.entry_id = n.id
     WHERE o.status = 'draft' AND n.status = 'validated'
     GROUP BY 1, 2, 3, 4
    ON CONFLICT (cooperative_id, account_id, activity_id, month) DO UPDATE
       SET debit = b.debit + excluded.debit,
           credit = b.credit + excluded.credit,
           line_count = b.line_count + excluded.line_count;
    RETURN NULL;
END
$$;
