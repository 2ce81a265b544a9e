-- reserve_expo_send books a send request in the project's budget (ExpoSendBudget). It lives in this
-- repeatable migration since V14: Flyway runs it again whenever it changes, so a change to the function is
-- an edit here, not a versioned copy of the whole function.
--
-- A request may go in part: it is granted as much of the window as is free at its turn (at least
-- p_smallest), and the rest books the next turn. Without that, a request of 100 whose turn came with only 60
-- free in the window waited until 100 had left it, while the 60 went unused, and since the pace runs on after
-- the wait, the limit was lost for good: in a 17 s benchmark cell at Expo's limit (catch-up off, Expo answering at
-- once, every request thread waiting for a turn), the bookings alone came to 534 notifications/s of the 582
-- that the window allows. The pace lets a window hold up to one request more than the limit whenever a large
-- request follows small ones, so this happened in every second.
--
-- The pace is V14's: each booking is spaced from the pace kept on the project's row (paced_until) by its
-- share of the window; after a stall the requests that missed their turn may start up to p_catch_up ahead
-- of the pace, at twice the pace, each at least half the previous one's share after it. Never more than the
-- limit in any window.
drop function if exists reserve_expo_send(text, integer, integer, interval, interval, interval, interval);

create or replace function reserve_expo_send(
    p_project text,
    p_notifications integer,
    p_smallest integer,
    p_limit integer,
    p_window interval,
    p_horizon interval,
    p_recovery interval,
    p_catch_up interval,
    out reserved boolean,
    out wait_ms double precision,
    out booking bigint,
    out granted integer)
language plpgsql as $$
declare
    now_ts   timestamptz;
    rate     expo_projects%rowtype;
    share    double precision;
    allowed  integer;
    wanted   integer;
    smallest integer;
    starts   timestamptz;
    spacing  interval;
    latest   record;
    booked   bigint := 0;
    entry    record;
begin
    insert into expo_projects (project) values (p_project) on conflict do nothing;
    select * into rate from expo_projects p where p.project = p_project for update;
    -- Now, once the lock is held: the sender counts the wait from the answer.
    now_ts := clock_timestamp();
    share := least(1.0, rate.slowed_to + extract(epoch from now_ts - rate.slowed_at) / extract(epoch from p_recovery));
    allowed := greatest(1, floor(p_limit * share)::integer);
    wanted := least(p_notifications, allowed);
    smallest := greatest(1, least(p_smallest, wanted));
    -- The turn: never before the latest booking, so that only the window ending at it needs checking, and at
    -- least half its share after it; at the pace, or up to p_catch_up ahead of it after a stall.
    starts := now_ts;
    select s.starts_at, s.spacing
    into latest
    from expo_sends s
    where s.project = p_project
    order by s.starts_at desc
    limit 1;
    if found then
        starts := greatest(starts, latest.starts_at + latest.spacing / 2);
    end if;
    starts := greatest(starts, rate.paced_until - p_catch_up);
    -- What the window ending at the turn holds, newest first; where not even the smallest part would fit
    -- beside what is newer, the turn moves to when that booking leaves the window.
    for entry in
        select s.starts_at, s.notifications
        from expo_sends s
        where s.project = p_project and s.starts_at > starts - p_window
        order by s.starts_at desc
    loop
        if booked + entry.notifications + smallest > allowed then
            starts := entry.starts_at + p_window;
            exit;
        end if;
        booked := booked + entry.notifications;
    end loop;
    granted := least(wanted, allowed - booked);
    reserved := starts - now_ts <= p_horizon;
    if reserved then
        spacing := p_window * (granted::double precision / allowed);
        insert into expo_sends (project, starts_at, notifications, spacing)
        values (p_project, starts, granted, spacing)
        returning id into booking;
        update expo_projects p set paced_until = greatest(rate.paced_until, starts) + spacing
        where p.project = p_project;
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
