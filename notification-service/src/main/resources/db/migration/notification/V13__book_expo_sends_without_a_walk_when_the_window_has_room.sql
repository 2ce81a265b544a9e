-- A booking used to walk every request booked in the last window, in PL/pgSQL, while it held the project's
-- row lock: with a high limit and small requests (hundreds a second) each booking read hundreds of rows.
-- Now one aggregate decides: when the window has room the request starts at once (or after the latest
-- booking); only a full window is walked, newest first, to find when enough of it has passed.
create or replace function reserve_expo_send(
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
