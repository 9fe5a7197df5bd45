-- The triggers of the SQLite migrations 0003 (events) and 0006 (run counts), in PL/pgSQL:
-- events are written, and a run's counts kept, in the transaction of the change itself.
CREATE FUNCTION drover_now_ms() RETURNS bigint LANGUAGE sql VOLATILE AS $$
  SELECT floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint
$$;
--> statement-breakpoint
CREATE FUNCTION events_task_created() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO events (at, kind, task_id, data) VALUES (NEW.created_at, 'task.created', NEW.id,
    json_build_object('family', NEW.family, 'to', NEW.state, 'kind', NEW.kind)::text);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER events_task_created AFTER INSERT ON tasks
  FOR EACH ROW EXECUTE FUNCTION events_task_created();
--> statement-breakpoint
CREATE FUNCTION events_task_state() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO events (at, kind, task_id, worker_id, data) VALUES (NEW.updated_at, 'task.state',
    NEW.id, CASE WHEN NEW.state = 'leased' THEN NEW.lease_owner ELSE OLD.lease_owner END,
    json_build_object('family', NEW.family, 'from', OLD.state, 'to', NEW.state, 'kind', NEW.kind,
      'attempt', NEW.attempt, 'epoch', NEW.lease_epoch)::text);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER events_task_state AFTER UPDATE OF state, kind ON tasks
  FOR EACH ROW WHEN (OLD.state <> NEW.state OR OLD.kind <> NEW.kind)
  EXECUTE FUNCTION events_task_state();
--> statement-breakpoint
CREATE FUNCTION events_lease_expired() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO events (at, kind, task_id, worker_id, data) VALUES (coalesce(NEW.ended_at, 0),
    'lease.expired', NEW.task_id, NEW.worker_id,
    json_build_object('kind', NEW.kind, 'attempt', NEW.attempt, 'epoch', NEW.epoch)::text);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER events_lease_expired AFTER UPDATE OF outcome ON attempts
  FOR EACH ROW WHEN (NEW.outcome = 'expired' AND OLD.outcome IS NULL)
  EXECUTE FUNCTION events_lease_expired();
--> statement-breakpoint
CREATE FUNCTION events_run_created() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO events (at, kind, run_id, task_id, data) VALUES (NEW.created_at, 'run.created',
    NEW.id, NEW.root_task_id, json_build_object('family', NEW.family, 'to', NEW.state)::text);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER events_run_created AFTER INSERT ON runs
  FOR EACH ROW EXECUTE FUNCTION events_run_created();
--> statement-breakpoint
CREATE FUNCTION events_run_state() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO events (at, kind, run_id, task_id, data) VALUES (
    coalesce(NEW.finished_at, drover_now_ms()), 'run.state', NEW.id, NEW.root_task_id,
    json_build_object('family', NEW.family, 'from', OLD.state, 'to', NEW.state)::text);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER events_run_state AFTER UPDATE OF state ON runs
  FOR EACH ROW WHEN (OLD.state <> NEW.state)
  EXECUTE FUNCTION events_run_state();
--> statement-breakpoint
-- worker.connected (a new worker, or one connecting again), worker.disconnected.
CREATE FUNCTION events_worker_seen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO events (at, kind, worker_id, data) VALUES (
    CASE WHEN TG_ARGV[0] = 'worker.connected' THEN NEW.connected_at ELSE NEW.last_seen_at END,
    TG_ARGV[0], NEW.id,
    json_build_object('name', NEW.name, 'labels', NEW.labels::json, 'hub', NEW.hub_id)::text);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER events_worker_created AFTER INSERT ON workers
  FOR EACH ROW EXECUTE FUNCTION events_worker_seen('worker.connected');
--> statement-breakpoint
CREATE TRIGGER events_worker_connected AFTER UPDATE OF connected_at ON workers
  FOR EACH ROW WHEN (NEW.state = 'connected'
    AND (OLD.state <> 'connected' OR OLD.connected_at <> NEW.connected_at))
  EXECUTE FUNCTION events_worker_seen('worker.connected');
--> statement-breakpoint
CREATE TRIGGER events_worker_disconnected AFTER UPDATE OF state ON workers
  FOR EACH ROW WHEN (OLD.state = 'connected' AND NEW.state = 'disconnected')
  EXECUTE FUNCTION events_worker_seen('worker.disconnected');
--> statement-breakpoint
CREATE FUNCTION events_worker_mode() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO events (at, kind, worker_id, data) VALUES (drover_now_ms(), 'worker.mode', NEW.id,
    json_build_object('name', NEW.name, 'cordoned', NEW.cordoned <> 0,
      'draining', NEW.draining <> 0)::text);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER events_worker_mode AFTER UPDATE OF cordoned, draining ON workers
  FOR EACH ROW WHEN (OLD.cordoned <> NEW.cordoned OR OLD.draining <> NEW.draining)
  EXECUTE FUNCTION events_worker_mode();
--> statement-breakpoint
CREATE FUNCTION events_family_disabled() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO events (at, kind, data) VALUES (drover_now_ms(), 'family.disabled',
    json_build_object('family', NEW.name, 'version', NEW.version,
      'until', NEW.disabled_until)::text);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER events_family_disabled AFTER UPDATE OF disabled_until ON families
  FOR EACH ROW WHEN (NEW.disabled_until IS NOT NULL
    AND (OLD.disabled_until IS NULL OR OLD.disabled_until < NEW.disabled_until))
  EXECUTE FUNCTION events_family_disabled();
--> statement-breakpoint
-- A run's tasks counted by state, kept in the transaction of every change:
-- a task joining or leaving a run, a task changing state, `before` changing.
CREATE FUNCTION run_tasks_joined() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO run_counts (run_id, state, n)
    SELECT NEW.run_id, state, 1 FROM tasks WHERE id = NEW.task_id
    ON CONFLICT (run_id, state) DO UPDATE SET n = run_counts.n + 1;
  IF NEW.before = 1 THEN
    INSERT INTO run_counts (run_id, state, n) VALUES (NEW.run_id, 'already_done', 1)
      ON CONFLICT (run_id, state) DO UPDATE SET n = run_counts.n + 1;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER run_tasks_joined AFTER INSERT ON run_tasks
  FOR EACH ROW EXECUTE FUNCTION run_tasks_joined();
--> statement-breakpoint
CREATE FUNCTION run_tasks_left() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE run_counts SET n = n - 1 WHERE run_id = OLD.run_id
    AND state = (SELECT state FROM tasks WHERE id = OLD.task_id);
  IF OLD.before = 1 THEN
    UPDATE run_counts SET n = n - 1 WHERE run_id = OLD.run_id AND state = 'already_done';
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER run_tasks_left AFTER DELETE ON run_tasks
  FOR EACH ROW EXECUTE FUNCTION run_tasks_left();
--> statement-breakpoint
CREATE FUNCTION run_tasks_before() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO run_counts (run_id, state, n) VALUES (NEW.run_id, 'already_done', NEW.before - OLD.before)
    ON CONFLICT (run_id, state) DO UPDATE SET n = run_counts.n + excluded.n;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER run_tasks_before AFTER UPDATE OF before ON run_tasks
  FOR EACH ROW WHEN (OLD.before <> NEW.before)
  EXECUTE FUNCTION run_tasks_before();
--> statement-breakpoint
CREATE FUNCTION run_counts_task_state() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE run_counts SET n = n - 1 WHERE state = OLD.state
    AND run_id IN (SELECT run_id FROM run_tasks WHERE task_id = NEW.id);
  INSERT INTO run_counts (run_id, state, n)
    SELECT run_id, NEW.state, 1 FROM run_tasks WHERE task_id = NEW.id
    ON CONFLICT (run_id, state) DO UPDATE SET n = run_counts.n + 1;
  -- Done again later, it is done by whichever run is then going.
  IF OLD.state = 'done' THEN
    UPDATE run_tasks SET before = 0 WHERE task_id = NEW.id AND before = 1;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER run_counts_task_state AFTER UPDATE OF state ON tasks
  FOR EACH ROW WHEN (OLD.state <> NEW.state)
  EXECUTE FUNCTION run_counts_task_state();
