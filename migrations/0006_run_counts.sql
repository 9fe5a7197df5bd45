CREATE TABLE `run_counts` (
	`run_id` text NOT NULL,
	`state` text NOT NULL,
	`n` integer NOT NULL,
	PRIMARY KEY(`run_id`, `state`)
);
--> statement-breakpoint
CREATE TABLE `run_tasks` (
	`run_id` text NOT NULL,
	`task_id` text NOT NULL,
	`before` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`run_id`, `task_id`)
);
--> statement-breakpoint
CREATE INDEX `run_tasks_task_idx` ON `run_tasks` (`task_id`);--> statement-breakpoint
-- A run's tasks counted by state, kept in the transaction of every change:
-- a task joining or leaving a run, a task changing state, `before` changing.
CREATE TRIGGER `run_tasks_joined` AFTER INSERT ON `run_tasks`
BEGIN
  INSERT INTO run_counts (run_id, state, n)
    SELECT NEW.run_id, state, 1 FROM tasks WHERE id = NEW.task_id
    ON CONFLICT (run_id, state) DO UPDATE SET n = n + 1;
  INSERT INTO run_counts (run_id, state, n)
    SELECT NEW.run_id, 'already_done', 1 WHERE NEW.before = 1
    ON CONFLICT (run_id, state) DO UPDATE SET n = n + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `run_tasks_left` AFTER DELETE ON `run_tasks`
BEGIN
  UPDATE run_counts SET n = n - 1 WHERE run_id = OLD.run_id
    AND state = (SELECT state FROM tasks WHERE id = OLD.task_id);
  UPDATE run_counts SET n = n - 1 WHERE run_id = OLD.run_id AND state = 'already_done'
    AND OLD.before = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `run_tasks_before` AFTER UPDATE OF before ON `run_tasks`
WHEN OLD.before <> NEW.before
BEGIN
  INSERT INTO run_counts (run_id, state, n)
    SELECT NEW.run_id, 'already_done', NEW.before - OLD.before WHERE 1
    ON CONFLICT (run_id, state) DO UPDATE SET n = n + excluded.n;
END;
--> statement-breakpoint
CREATE TRIGGER `run_counts_task_state` AFTER UPDATE OF state ON `tasks`
WHEN OLD.state <> NEW.state
BEGIN
  UPDATE run_counts SET n = n - 1 WHERE state = OLD.state
    AND run_id IN (SELECT run_id FROM run_tasks WHERE task_id = NEW.id);
  INSERT INTO run_counts (run_id, state, n)
    SELECT run_id, NEW.state, 1 FROM run_tasks WHERE task_id = NEW.id
    ON CONFLICT (run_id, state) DO UPDATE SET n = n + 1;
  -- Done again later, it is done by whichever run is then going.
  UPDATE run_tasks SET before = 0 WHERE OLD.state = 'done' AND task_id = NEW.id AND before = 1;
END;
--> statement-breakpoint
-- Every run's members as they are now (a walk per run, once).
WITH RECURSIVE m(run_id, id) AS (
  SELECT id, root_task_id FROM runs
  UNION SELECT m.run_id, e.dep_id FROM m JOIN edges e ON e.task_id = m.id)
INSERT INTO run_tasks (run_id, task_id, before)
SELECT m.run_id, t.id, coalesce(t.state = 'done' AND (t.finished_at < r.created_at OR EXISTS (
  SELECT 1 FROM publications p WHERE p.task_id = t.id AND p.kind = 'found')), 0)
FROM m JOIN tasks t ON t.id = m.id JOIN runs r ON r.id = m.run_id;
