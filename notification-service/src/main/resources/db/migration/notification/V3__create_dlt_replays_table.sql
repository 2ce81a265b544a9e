-- Every replay of a dead-lettered record: what, when, by whom, and where it went.
create table dlt_replays (
    id               bigint      generated always as identity primary key,
    dlt_partition    integer     not null,
    dlt_offset       bigint      not null,
    event_id         uuid,
    target_topic     text        not null,
    target_partition integer     not null,
    target_offset    bigint      not null,
    forced           boolean     not null,
    replayed_by      text        not null,
    replayed_at      timestamptz not null default now()
);

create index dlt_replays_record_idx on dlt_replays (dlt_partition, dlt_offset);
