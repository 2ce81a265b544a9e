-- Events waiting to be published to Kafka. A row is written in the same transaction as the message it
-- announces and deleted by the relay once the broker has acknowledged it.
create table outbox (
    id              bigint      generated always as identity primary key,
    event_id        uuid        not null unique,
    topic           text        not null,
    event_key       text        not null,
    event_type      text        not null,
    payload         text        not null,
    created_at      timestamptz not null default now(),
    attempts        integer     not null default 0,
    last_error      text,
    last_attempt_at timestamptz
);

-- Wakes the relay as soon as a transaction that wrote outbox rows commits.
create function outbox_notify() returns trigger
    language plpgsql as
$$
begin
    perform pg_notify('outbox_inserted', '');
    return null;
end;
$$;

create trigger outbox_inserted
    after insert on outbox
    for each statement
execute function outbox_notify();
