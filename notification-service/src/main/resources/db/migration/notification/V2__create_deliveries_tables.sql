-- One row per (event, device token): what Expo answered for that push. A redelivered or replayed event
-- skips every token whose row is accepted or failed, so no device gets the same notification twice.
create table deliveries (
    event_id      uuid        not null,
    expo_token    text        not null,
    message_id    uuid        not null,
    user_id       uuid        not null,
    status        text        not null check (status in ('accepted', 'failed', 'retry')),
    ticket_id     text,
    error_code    text,
    error_message text,
    attempts      integer     not null default 1,
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now(),
    primary key (event_id, expo_token)
);

create index deliveries_message_id_idx on deliveries (message_id);

-- Events handled to the end (every token accepted or failed, no token at all, or dead-lettered):
-- the first, cheapest dedup check of every batch.
create table processed_events (
    event_id     uuid        primary key,
    message_id   uuid        not null,
    outcome      text        not null check (outcome in ('delivered', 'no_tokens', 'dead_lettered')),
    processed_at timestamptz not null default now()
);
