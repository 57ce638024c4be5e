-- A sales document's number and its freezing belong to the database, so that no code path can
-- leave a gap, reuse a number or touch an issued invoice (CGI 242 nonies A: one chronological,
-- continuous sequence; a validated invoice is corrected only by a credit note).
--
-- * a document is born a draft, without a number; waiting for support staff ('pending') it
--   still has none;
-- * when it leaves the draft state (an invoice or credit note validated, a quote sent), the next
--   number of its series and year is taken from sales_invoicecounter, whose row stays locked
--   until commit: concurrent validations queue, a rolled back one gives its number back, and
--   the unique constraint on (cooperative, series, year, sequence) stands behind it. Its date may
--   not precede the series' last one (chronology);
-- * a validated invoice or credit note never changes again and is never deleted; a sent quote
--   keeps its number and content, only its answer (status) moves on.
CREATE OR REPLACE FUNCTION sales_document_guard() RETURNS trigger AS $$
DECLARE
    counter record;
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.status <> 'draft' THEN
            RAISE EXCEPTION 'Un document de vente numéroté ne se supprime pas : établissez un avoir.';
        END IF;
        RETURN OLD;
    END IF;
    IF TG_OP = 'INSERT' THEN
        IF NEW.status <> 'draft' OR NEW.sequence IS NOT NULL OR NEW.number <> '' THEN
            RAISE EXCEPTION 'Un document de vente naît brouillon, sans numéro.';
        END IF;
        RETURN NEW;
    END IF;
    IF OLD.status IN ('draft', 'pending') AND NEW.status IN ('draft', 'pending') THEN
        IF NEW.sequence IS NOT NULL OR NEW.number <> '' THEN
            RAISE EXCEPTION 'Seule la validation donne un numéro.';
        END IF;
        RETURN NEW;
    END IF;
    IF OLD.status IN ('draft', 'pending') THEN
        IF NEW.series !~ '^[A-Z]{1,4}$' OR NEW.issue_date IS NULL THEN
            RAISE EXCEPTION 'Un document numéroté a une série et une date.';
        END IF;
        INSERT INTO sales_invoicecounter (cooperative_id, series, year, last_number)
            VALUES (NEW.cooperative_id, NEW.series, extract(year FROM NEW.issue_date), 0)
            ON CONFLICT (cooperative_id, series, year) DO NOTHING;
        SELECT id, last_number, last_date INTO counter FROM sales_invoicecounter
            WHERE cooperative_id = NEW.cooperative_id AND series = NEW.series
              AND year = extract(year FROM NEW.issue_date)
            FOR UPDATE;
        IF counter.last_date IS NOT NULL AND NEW.issue_date < counter.last_date THEN
            RAISE EXCEPTION 'Numérotation chronologique : le dernier document de la série % est du %.',
                NEW.series, to_char(counter.last_date, 'DD/MM/YYYY');
        END IF;
        UPDATE sales_invoicecounter SET last_number = last_number + 1, last_date = NEW.issue_date
            WHERE id = counter.id;
        NEW.year := extract(year FROM NEW.issue_date);
        NEW.sequence := counter.last_number + 1;
        NEW.number := NEW.series || NEW.year::text || '-' || lpad(NEW.sequence::text, 5, '0');
        RETURN NEW;
    END IF;
    IF OLD.kind IN ('invoice', 'credit_note') THEN
        IF to_jsonb(NEW) IS DISTINCT FROM to_jsonb(OLD) THEN
            RAISE EXCEPTION 'Une facture validée est immuable : établissez un avoir.';
        END IF;
        RETURN NEW;
    END IF;
    -- A sent quote: only its answer changes.
    IF (to_jsonb(NEW) - 'status') IS DISTINCT FROM (to_jsonb(OLD) - 'status')
       OR NEW.status IN ('draft', 'pending') THEN
        RAISE EXCEPTION 'Un devis envoyé ne se modifie plus : dupliquez-le.';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
