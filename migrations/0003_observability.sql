CREATE TABLE `events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`kind` text NOT NULL,
	`run_id` text,
	`task_id` text,
	`worker_id` text,
	`data` text DEFAULT '{}' NOT NULL
);
--> statement-breakpoint
CREATE INDEX `events_run_idx` ON `events` (`run_id`,`id`) WHERE run_id IS NOT NULL;--> statement-breakpoint
CREATE TABLE `task_logs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`task_id` text NOT NULL,
	`attempt` integer NOT NULL,
	`epoch` integer NOT NULL,
	`worker_id` text NOT NULL,
	`at` integer NOT NULL,
	`level` text NOT NULL,
	`message` text NOT NULL,
	`fields` text,
	`dropped` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE INDEX `task_logs_task_idx` ON `task_logs` (`task_id`,`attempt`,`id`);--> statement-breakpoint
ALTER TABLE `attempts` ADD `log_lines` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `attempts` ADD `log_bytes` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Events are written by triggers, in the transaction of the change they describe.
CREATE TRIGGER `events_task_created` AFTER INSERT ON `tasks`
BEGIN
  INSERT INTO events (at, kind, task_id, data) VALUES (NEW.created_at, 'task.created', NEW.id,
    json_object('family', NEW.family, 'to', NEW.state, 'kind', NEW.kind));
END;
--> statement-breakpoint
CREATE TRIGGER `events_task_state` AFTER UPDATE OF state, kind ON `tasks`
WHEN OLD.state <> NEW.state OR OLD.kind <> NEW.kind
BEGIN
  INSERT INTO events (at, kind, task_id, worker_id, data) VALUES (NEW.updated_at, 'task.state',
    NEW.id, CASE WHEN NEW.state = 'leased' THEN NEW.lease_owner ELSE OLD.lease_owner END,
    json_object('family', NEW.family, 'from', OLD.state, 'to', NEW.state, 'kind', NEW.kind,
      'attempt', NEW.attempt, 'epoch', NEW.lease_epoch));
END;
--> statement-breakpoint
CREATE TRIGGER `events_lease_expired` AFTER UPDATE OF outcome ON `attempts`
WHEN NEW.outcome = 'expired' AND OLD.outcome IS NULL
BEGIN
  INSERT INTO events (at, kind, task_id, worker_id, data) VALUES (coalesce(NEW.ended_at, 0),
    'lease.expired', NEW.task_id, NEW.worker_id,
    json_object('kind', NEW.kind, 'attempt', NEW.attempt, 'epoch', NEW.epoch));
END;
--> statement-breakpoint
CREATE TRIGGER `events_run_created` AFTER INSERT ON `runs`
BEGIN
  INSERT INTO events (at, kind, run_id, task_id, data) VALUES (NEW.created_at, 'run.created',
    NEW.id, NEW.root_task_id, json_object('family', NEW.family, 'to', NEW.state));
END;
--> statement-breakpoint
CREATE TRIGGER `events_run_state` AFTER UPDATE OF state ON `runs`
WHEN OLD.state <> NEW.state
BEGIN
  INSERT INTO events (at, kind, run_id, task_id, data) VALUES (
    coalesce(NEW.finished_at, CAST(unixepoch('subsec') * 1000 AS INTEGER)), 'run.state', NEW.id,
    NEW.root_task_id, json_object('family', NEW.family, 'from', OLD.state, 'to', NEW.state));
END;
--> statement-breakpoint
CREATE TRIGGER `events_worker_created` AFTER INSERT ON `workers`
BEGIN
  INSERT INTO events (at, kind, worker_id, data) VALUES (NEW.connected_at, 'worker.connected',
    NEW.id, json_object('name', NEW.name, 'labels', json(NEW.labels), 'hub', NEW.hub_id));
END;
--> statement-breakpoint
CREATE TRIGGER `events_worker_connected` AFTER UPDATE OF connected_at ON `workers`
WHEN NEW.state = 'connected' AND (OLD.state <> 'connected' OR OLD.connected_at <> NEW.connected_at)
BEGIN
  INSERT INTO events (at, kind, worker_id, data) VALUES (NEW.connected_at, 'worker.connected',
    NEW.id, json_object('name', NEW.name, 'labels', json(NEW.labels), 'hub', NEW.hub_id));
END;
--> statement-breakpoint
CREATE TRIGGER `events_worker_disconnected` AFTER UPDATE OF state ON `workers`
WHEN OLD.state = 'connected' AND NEW.state = 'disconnected'
BEGIN
  INSERT INTO events (at, kind, worker_id, data) VALUES (NEW.last_seen_at, 'worker.disconnected',
    NEW.id, json_object('name', NEW.name, 'labels', json(NEW.labels), 'hub', NEW.hub_id));
END;
--> statement-breakpoint
CREATE TRIGGER `events_worker_mode` AFTER UPDATE OF cordoned, draining ON `workers`
WHEN OLD.cordoned <> NEW.cordoned OR OLD.draining <> NEW.draining
BEGIN
  INSERT INTO events (at, kind, worker_id, data) VALUES (
    CAST(unixepoch('subsec') * 1000 AS INTEGER), 'worker.mode', NEW.id,
    json_object('name', NEW.name, 'cordoned', json(CASE WHEN NEW.cordoned THEN 'true' ELSE 'false' END),
      'draining', json(CASE WHEN NEW.draining THEN 'true' ELSE 'false' END)));
END;
--> statement-breakpoint
CREATE TRIGGER `events_family_disabled` AFTER UPDATE OF disabled_until ON `families`
WHEN NEW.disabled_until IS NOT NULL AND (OLD.disabled_until IS NULL OR OLD.disabled_until < NEW.disabled_until)
BEGIN
  INSERT INTO events (at, kind, data) VALUES (CAST(unixepoch('subsec') * 1000 AS INTEGER),
    'family.disabled', json_object('family', NEW.name, 'version', NEW.version, 'until', NEW.disabled_until));
END;
