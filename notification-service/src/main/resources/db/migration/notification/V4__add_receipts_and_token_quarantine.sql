-- Expo's receipt for each accepted push: whether Apple or Google took it.
alter table deliveries
    add column sent_at               timestamptz,
    add column receipt_status        text check (receipt_status in ('ok', 'error', 'unknown')),
    add column receipt_error         text,
    add column receipt_message       text,
    add column receipt_checked_at    timestamptz,
    add column receipt_claimed_until timestamptz;

update deliveries set sent_at = updated_at where status = 'accepted';

-- The poller's work queue: accepted tickets without a receipt, oldest first.
create index deliveries_unchecked_tickets_idx on deliveries (sent_at) where status = 'accepted' and receipt_status is null;
create index deliveries_created_at_idx on deliveries (created_at);
create index processed_events_processed_at_idx on processed_events (processed_at);

-- Tokens whose deactivation was held back because too many arrived at once (a wave of false
-- DeviceNotRegistered): still active, waiting for a person to deactivate or restore them.
alter table push_tokens
    add column quarantined_at    timestamptz,
    add column quarantine_reason text;
