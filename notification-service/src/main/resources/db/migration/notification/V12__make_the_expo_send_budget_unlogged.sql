-- The send budget lives for seconds: a booking older than the window means nothing. Unlogged, its rows
-- write no WAL, so a booking (a row lock on expo_projects, a row in expo_sends) never waits for a WAL flush
-- and adds no fsync to the commits of deliveries and messages. After a crash PostgreSQL empties unlogged
-- tables: the bookings of the last second are forgotten and a slowed project is back at its full rate,
-- which the next 429, if any, corrects.
alter table expo_projects set unlogged;
alter table expo_sends set unlogged;
