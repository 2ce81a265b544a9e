-- A request that could not go when its turn came (a GC pause, a busy core, a thread still waiting for
-- Expo's previous answer) left its share of the limit unused for good: each booking was spaced from the one
-- booked before it, so the schedule never made up for a stall, and stalls of 60 to 230 ms left 2 to 3 s of
-- Expo's limit unused in a 16 s burst.
--
-- The spacing now follows a pace kept on the project's row (paced_until: when the next request would start
-- if every one had gone on time), and a request may start up to p_catch_up ahead of it: after a stall the
-- requests that missed their turn catch up, as far as the window has room, and then go at the pace again.
-- They catch up at twice the pace, each at least half the share of the one booked before it (spacing) after
-- that one, never at the same instant: requests that start together reach Expo through one client and one
-- server one after another, the last of them later than booked, and one later than booked by more than
-- pacing.margin shares one of Expo's seconds with the requests booked a window after it (single benchmark
-- runs with every stalled request at once saw 0 to 3 429s per 16 s burst, against 0 to 1 before). Never more
-- than the limit in any window: the window check is V13's. A booking given back (its request woke too late)
-- moves the pace back by its share, so that its turn is not lost.
--
-- The function is otherwise V13's.
alter table expo_projects add column paced_until timestamptz not null default '-infinity';
alter table expo_sends add column spacing interval not null default '0';

drop function reserve_expo_send(text, integer, integer, interval, interval, interval);

create function reserve_expo_send(
    p_project text,
    p_notifications integer,
    p_limit integer,
    p_window interval,
    p_horizon interval,
    p_recovery interval,
    p_catch_up interval,
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
    spacing interval;
    latest  record;
    booked  bigint := 0;
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
    -- Never before the latest booking, so that each only needs its own window checked, and at least half its
    -- share after it; at the pace, or up to p_catch_up ahead of it after a stall.
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
    reserved := starts - now_ts <= p_horizon;
    if reserved then
        spacing := p_window * (p_notifications::double precision / allowed);
        insert into expo_sends (project, starts_at, notifications, spacing)
        values (p_project, starts, p_notifications, spacing)
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
