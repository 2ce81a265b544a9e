-- The same table and index as message-service's messages, so that an insert costs the same.
create table messages (
    id           uuid        primary key,
    sender_id    uuid        not null,
    receiver_id  uuid        not null,
    message_type text        not null check (message_type in ('text', 'zoom_link', 'form_link', 'status_update')),
    content      text        not null,
    created_at   timestamptz not null default now()
);

create index messages_receiver_id_created_at_idx on messages (receiver_id, created_at);
