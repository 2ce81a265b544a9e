-- The Expo send budget that every notification-service instance shares, per Expo project: Expo counts a
-- project's notifications over a rolling second as they arrive, whichever instance sends them.
--
-- expo_projects holds each project's lock and its rate after a 429 (slowed_to, a share of the configured
-- limit, creeping back to 1 after slowed_at). expo_sends is the log of the send requests booked over the
-- last seconds, each with the moment it may start, which can lie a little ahead.
--
-- Both are unlogged: the budget lives for seconds, so a booking writes no WAL and never waits for a flush,
-- adding no fsync to the commits of deliveries. After a crash PostgreSQL empties them: the bookings of the
-- last second are forgotten and a slowed project is back at its full rate, which the next 429 corrects.
create unlogged table expo_projects (
    project   text             primary key,
    slowed_to double precision not null default 1,
    slowed_at timestamptz      not null default 'epoch'
);

create unlogged table expo_sends (
    project       text        not null,
    starts_at     timestamptz not null,
    notifications integer     not null
);

create index expo_sends_project_starts_at_idx on expo_sends (project, starts_at);

-- Books a send request of p_notifications for p_project: it may start at the earliest moment from which
-- the requests booked in the window before it, this one included, carry at most the project's limit, and
-- no earlier than the latest one booked, so that bookings stay in order and each only needs its own window
-- checked. Books nothing when that moment is further ahead than p_horizon, so that a crashed instance
-- leaves little booked behind and a later request of a higher priority waits little.
--
-- One aggregate decides when the window has room; only a full window is walked, newest first, to find when
-- enough of it has passed.
--
-- reserved: whether the request is booked; wait_ms: how long to wait before sending it (booked), or before
-- asking again (not booked). One statement, one round trip: the row lock is held only while it runs.
create function reserve_expo_send(
    p_project text,
    p_notifications integer,
    p_limit integer,
    p_window interval,
    p_horizon interval,
    p_recovery interval,
    out reserved boolean,
    out wait_ms double precision)
language plpgsql as $$
declare
    now_ts  timestamptz := clock_timestamp();
    share   double precision;
    allowed integer;
    starts  timestamptz;
    booked  bigint := 0;
    newest  timestamptz;
    entry   record;
begin
    starts := now_ts;
    insert into expo_projects (project) values (p_project) on conflict do nothing;
    select least(1.0, p.slowed_to + extract(epoch from now_ts - p.slowed_at) / extract(epoch from p_recovery))
    into share
    from expo_projects p
    where p.project = p_project
    for update;
    allowed := greatest(1, floor(p_limit * share)::integer);
    select coalesce(sum(s.notifications), 0), max(s.starts_at)
    into booked, newest
    from expo_sends s
    where s.project = p_project and s.starts_at > now_ts - p_window;
    if booked + p_notifications <= allowed then
        -- Room in the window: start now, or after the latest booking.
        starts := greatest(now_ts, coalesce(newest, now_ts));
    else
        -- A full window: walk it newest first to find when enough of it has passed.
        booked := 0;
        for entry in
            select s.starts_at, s.notifications
            from expo_sends s
            where s.project = p_project and s.starts_at > now_ts - p_window
            order by s.starts_at desc
        loop
            starts := greatest(starts, entry.starts_at);
            booked := booked + entry.notifications;
            if booked + p_notifications > allowed then
                starts := greatest(starts, entry.starts_at + p_window);
                exit;
            end if;
        end loop;
    end if;
    reserved := starts - now_ts <= p_horizon;
    if reserved then
        insert into expo_sends (project, starts_at, notifications) values (p_project, starts, p_notifications);
        wait_ms := extract(epoch from starts - now_ts) * 1000;
        -- The log only needs the last window; old rows go now and then, not on every booking.
        if random() < 0.05 then
            delete from expo_sends s where s.project = p_project and s.starts_at < now_ts - p_window * 10;
        end if;
    else
        wait_ms := extract(epoch from starts - now_ts - p_horizon) * 1000;
    end if;
end
$$;
