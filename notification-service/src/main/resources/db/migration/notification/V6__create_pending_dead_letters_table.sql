-- Records to dead-letter, written in the transaction that records their events' fate and published to
-- message-sent-dlt after it commits: a DLT that cannot be written never makes a batch push again. A record
-- (topic, partition, offset) is kept once, so a redelivered batch cannot dead-letter it twice.
create table pending_dead_letters (
    id               bigint      generated always as identity primary key,
    topic            text        not null,
    record_partition integer     not null,
    record_offset    bigint      not null,
    record_timestamp bigint      not null,
    record_key       text,
    record_value     bytea,
    record_headers   jsonb       not null,
    reason           text        not null,
    explanation      text        not null,
    created_at       timestamptz not null default now(),
    claimed_until    timestamptz,
    published_at     timestamptz,
    unique (topic, record_partition, record_offset)
);

create index pending_dead_letters_unpublished_idx on pending_dead_letters (id) where published_at is null;
create index pending_dead_letters_created_at_idx on pending_dead_letters (created_at);
