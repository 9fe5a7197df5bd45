-- Hubs sharing a database learn of each other's events at once: a statement that adds events
-- notifies channel drover_events, delivered at commit (PostgreSQL sends one notification per
-- transaction for the same channel and payload). Hubs listen and wake their event streams; they
-- still poll the newest event id, in case a notification is missed (a connection lost).
CREATE FUNCTION events_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('drover_events', '');
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER events_notify AFTER INSERT ON events
  FOR EACH STATEMENT EXECUTE FUNCTION events_notify();
