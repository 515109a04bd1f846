-- The admin console pages through the whole trail newest first, by (occurred_at, id), with a keyset cursor:
-- this index serves that order and the time filters without sorting the table.
CREATE INDEX audit_events_time ON audit_events (occurred_at, id);
