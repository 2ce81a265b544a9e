-- Every query a request, a scrape or a health check can run reads an index, not the whole table.

-- GET /push-tokens lists a user's tokens, active or not: the partial index on active ones cannot serve it.
create index push_tokens_user_id_all_idx on push_tokens (user_id);

-- The device quota finds a user's least recently registered active tokens.
create index push_tokens_active_by_registration_idx on push_tokens (user_id, last_registered_at) where active;

-- The wave guard counts recent DeviceNotRegistered deactivations and looks for held tokens in every batch
-- that has one.
create index push_tokens_not_registered_idx on push_tokens (deactivated_at)
    where deactivation_reason = 'DeviceNotRegistered';
create index push_tokens_quarantined_idx on push_tokens (quarantined_at) where quarantined_at is not null;

-- The receipts health component counts credential errors of the last hour.
create index deliveries_receipt_errors_idx on deliveries (receipt_checked_at) where receipt_error is not null;

-- Restoring a quarantine finds the pushes answered DeviceNotRegistered since the wave began.
create index deliveries_not_registered_idx on deliveries (updated_at)
    where error_code = 'DeviceNotRegistered' or receipt_error = 'DeviceNotRegistered';
