-- Expo push tokens of the app's users. A token belongs to one user at a time: registering it for
-- another user moves it, so one device never gets another user's notifications.
create table push_tokens (
    id                  bigint      generated always as identity primary key,
    user_id             uuid        not null,
    expo_token          text        not null unique,
    platform            text        check (platform in ('ios', 'android', 'web')),
    active              boolean     not null default true,
    created_at          timestamptz not null default now(),
    last_registered_at  timestamptz not null default now(),
    deactivated_at      timestamptz,
    deactivation_reason text
);

create index push_tokens_user_id_idx on push_tokens (user_id) where active;
