-- Migration 0007 set accounting_post_batch's plan_cache_mode: with a generic plan, made without
-- knowing the arrays' sizes, a batch of thousands of entries could take minutes. Migration 0008
-- replaced the function without the setting (custom plans chosen in its body, for batches of more
-- than 50 entries only). Current definition: accounting/sql/accounting_post_batch.sql.
ALTER FUNCTION accounting_post_batch(bigint[], bigint[], date[], text[], date[], text[], text[], text[], text[], bigint[], integer[], integer[], bigint[], bigint[], bigint[], numeric[], numeric[], text[], bigint) SET plan_cache_mode = force_custom_plan
