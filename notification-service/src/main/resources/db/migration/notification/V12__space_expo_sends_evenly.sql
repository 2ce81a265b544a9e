-- The send budget paces requests evenly instead of in bursts, and a booking that was not used can be given
-- back.
--
-- Spacing: a request starts no earlier than the one booked before it plus that one's share of the window
-- (its notifications / the limit × the window), as well as when the window has room for it. Booked by the
-- window alone, a full window's requests all started at the moment the oldest left it, together: Expo then
-- took them one after another, stamped them up to tens of milliseconds apart, and the next window's burst
-- met the end of this one in a rolling second of Expo's. Evenly spaced, every request arrives alone.
--
-- Giving back: each booking has an id; a request whose thread woke up too late for its booked start deletes
-- its booking before it books again, instead of leaving it counted for a request that never went.
alter table expo_sends add column id bigint generated always as identity;

drop function reserve_expo_send(text, integer, integer, interval, interval, interval);

-- Books a send request of p_notifications for p_project: it may start at the earliest moment from which
-- the requests booked in the window before it, this one included, carry at most the project's limit, and
-- no earlier than the latest one booked plus that one's share of the window, so that bookings stay in
-- order, evenly spaced, and each only needs its own window checked. Books nothing when that moment is
-- further ahead than p_horizon, so that a crashed instance leaves little booked behind and a later request
-- of a higher priority waits little.
--
-- One aggregate decides when the window has room; only a full window is walked, newest first, to find when
-- enough of it has passed.
--
-- reserved: whether the request is booked; wait_ms: how long to wait before sending it (booked), or before
-- asking again (not booked); booking: the booking's id (booked). One statement, one round trip: the row
-- lock is held only while it runs.
create function reserve_expo_send(
    p_project text,
    p_notifications integer,
    p_limit integer,
    p_window interval,
    p_horizon interval,
    p_recovery interval,
    out reserved boolean,
    out wait_ms double precision,
    out booking bigint)
language plpgsql as $$
declare
    now_ts  timestamptz := clock_timestamp();
    share   double precision;
    allowed integer;
    starts  timestamptz;
    booked  bigint := 0;
    newest  record;
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
    select coalesce(sum(s.notifications), 0)
    into booked
    from expo_sends s
    where s.project = p_project and s.starts_at > now_ts - p_window;
    if booked + p_notifications > allowed then
        -- A full window: walk it newest first to find when enough of it has passed.
        booked := 0;
        for entry in
            select s.starts_at, s.notifications
            from expo_sends s
            where s.project = p_project and s.starts_at > now_ts - p_window
            order by s.starts_at desc
        loop
            booked := booked + entry.notifications;
            if booked + p_notifications > allowed then
                starts := greatest(starts, entry.starts_at + p_window);
                exit;
            end if;
        end loop;
    end if;
    select s.starts_at, s.notifications
    into newest
    from expo_sends s
    where s.project = p_project
    order by s.starts_at desc
    limit 1;
    if found then
        starts := greatest(starts, newest.starts_at + p_window * (newest.notifications::double precision / allowed));
    end if;
    reserved := starts - now_ts <= p_horizon;
    if reserved then
        insert into expo_sends (project, starts_at, notifications)
        values (p_project, starts, p_notifications)
        returning id into booking;
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
