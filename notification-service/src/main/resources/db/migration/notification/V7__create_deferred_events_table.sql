-- Events that wait for their receiver: a device of the receiver is throttled (MessageRateExceeded), or an
-- earlier event of the same receiver is waiting. Kept here instead of holding the Kafka partition, so that
-- every other receiver's events keep flowing; handed back to delivery oldest first per receiver, so that a
-- receiver's events still reach the phone in order.
create table deferred_events (
    id               bigint      generated always as identity primary key,
    event_id         uuid        not null unique,
    receiver_id      uuid        not null,
    topic            text        not null,
    record_partition integer     not null,
    record_offset    bigint      not null,
    record_timestamp bigint      not null,
    record_key       text,
    record_value     bytea       not null,
    record_headers   jsonb       not null,
    attempts         integer     not null default 0,
    not_before       timestamptz not null,
    claimed_until    timestamptz,
    created_at       timestamptz not null default now()
);

create index deferred_events_receiver_idx on deferred_events (receiver_id, id);
create index deferred_events_due_idx on deferred_events (not_before);
