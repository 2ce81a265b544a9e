-- The one active outbox relay is the instance holding this lease; every relay cycle renews it. A lease row
-- rather than an advisory lock, so that no transaction or session stays open while the relay waits for
-- Kafka's acknowledgements: it works through a transaction-mode pooler (PgBouncer, Supavisor).
create table relay_lease (
    only_row boolean primary key default true check (only_row),
    holder uuid not null,
    expires_at timestamptz not null
);

insert into relay_lease (holder, expires_at) values ('00000000-0000-0000-0000-000000000000', '-infinity');
