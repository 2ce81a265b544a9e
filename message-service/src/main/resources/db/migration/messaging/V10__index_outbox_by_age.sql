-- The backlog gauge and the outbox health component read the oldest unpublished row from an index.
create index outbox_created_at_idx on outbox (created_at);
