-- A booking's wait counts from when it was made, not from when it asked: reserve_expo_send took its "now"
-- before waiting for the project's row lock, so under contention (a dozen request threads, several
-- instances) it answered a wait that ignored the time spent queued for that lock, and the request started
-- that much later than booked. Nothing on the sending side could see it: the sender times its wait from the
-- answer. A request reaching Expo later than booked shares an Expo second with the requests booked a window
-- after it, which is a 429 once the lateness passes pacing.margin, and leaves the limit unused meanwhile.
--
-- The function is otherwise V12's.
create or replace function reserve_expo_send(
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
    now_ts  timestamptz;
    rate    expo_projects%rowtype;
    share   double precision;
    allowed integer;
    starts  timestamptz;
    booked  bigint := 0;
    newest  record;
    entry   record;
begin
    insert into expo_projects (project) values (p_project) on conflict do nothing;
    select * into rate from expo_projects p where p.project = p_project for update;
    -- Now, once the lock is held: the sender counts the wait from the answer.
    now_ts := clock_timestamp();
    starts := now_ts;
    share := least(1.0, rate.slowed_to + extract(epoch from now_ts - rate.slowed_at) / extract(epoch from p_recovery));
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
