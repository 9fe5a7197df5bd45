-- A run's counts, kept once per statement instead of once per row. A statement that adds 400
-- tasks to a run updated that run's count row 400 times in one transaction; each update in
-- PostgreSQL leaves a row version the next must step over, and the statement took 60 ms
-- instead of 9. Now each statement sums its changes (transition tables) and updates each
-- (run, state) row once. Same counts as the row triggers of 0001 (hub/db/pg/triggers_test.ts).
DROP TRIGGER run_tasks_joined ON run_tasks;
--> statement-breakpoint
DROP FUNCTION run_tasks_joined();
--> statement-breakpoint
DROP TRIGGER run_tasks_left ON run_tasks;
--> statement-breakpoint
DROP FUNCTION run_tasks_left();
--> statement-breakpoint
DROP TRIGGER run_counts_task_state ON tasks;
--> statement-breakpoint
DROP FUNCTION run_counts_task_state();
--> statement-breakpoint
-- Adds `delta` rows (run, state, n): positive sums are added (a missing row is created),
-- negative ones subtracted from rows that exist, as the row triggers did.
CREATE FUNCTION run_counts_add(delta jsonb) RETURNS void LANGUAGE sql AS $$
  INSERT INTO run_counts (run_id, state, n)
    SELECT d.run_id, d.state, d.n FROM jsonb_to_recordset(delta) AS d(run_id text, state text, n bigint)
    WHERE d.n > 0 ORDER BY d.run_id, d.state
    ON CONFLICT (run_id, state) DO UPDATE SET n = run_counts.n + excluded.n;
  UPDATE run_counts rc SET n = rc.n + d.n
    FROM jsonb_to_recordset(delta) AS d(run_id text, state text, n bigint)
    WHERE d.n < 0 AND rc.run_id = d.run_id AND rc.state = d.state;
$$;
--> statement-breakpoint
CREATE FUNCTION run_tasks_joined() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM run_counts_add(coalesce((SELECT jsonb_agg(d) FROM (
    SELECT j.run_id, t.state, count(*) AS n FROM joined j JOIN tasks t ON t.id = j.task_id
      GROUP BY j.run_id, t.state
    UNION ALL
    SELECT run_id, 'already_done', count(*) FROM joined WHERE before = 1 GROUP BY run_id) d),
    '[]'::jsonb));
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER run_tasks_joined AFTER INSERT ON run_tasks REFERENCING NEW TABLE AS joined
  FOR EACH STATEMENT EXECUTE FUNCTION run_tasks_joined();
--> statement-breakpoint
CREATE FUNCTION run_tasks_left() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM run_counts_add(coalesce((SELECT jsonb_agg(d) FROM (
    SELECT g.run_id, t.state, -count(*) AS n FROM gone g JOIN tasks t ON t.id = g.task_id
      GROUP BY g.run_id, t.state
    UNION ALL
    SELECT run_id, 'already_done', -count(*) FROM gone WHERE before = 1 GROUP BY run_id) d),
    '[]'::jsonb));
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER run_tasks_left AFTER DELETE ON run_tasks REFERENCING OLD TABLE AS gone
  FOR EACH STATEMENT EXECUTE FUNCTION run_tasks_left();
--> statement-breakpoint
-- PostgreSQL allows transition tables only on UPDATE triggers without a column list: this
-- runs after every UPDATE of tasks, and finds the rows whose state changed.
CREATE FUNCTION run_counts_task_state() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM run_counts_add(coalesce((SELECT jsonb_agg(d) FROM (
    SELECT rt.run_id, s.state, sum(s.delta) AS n
      FROM old_tasks o JOIN new_tasks n ON n.id = o.id AND n.state <> o.state
      JOIN run_tasks rt ON rt.task_id = o.id
      CROSS JOIN LATERAL (VALUES (o.state, -1), (n.state, 1)) AS s(state, delta)
      GROUP BY rt.run_id, s.state HAVING sum(s.delta) <> 0) d), '[]'::jsonb));
  -- Done again later, it is done by whichever run is then going.
  UPDATE run_tasks SET before = 0 WHERE before = 1 AND task_id IN (
    SELECT o.id FROM old_tasks o JOIN new_tasks n ON n.id = o.id
    WHERE o.state = 'done' AND n.state <> 'done');
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER run_counts_task_state AFTER UPDATE ON tasks
  REFERENCING OLD TABLE AS old_tasks NEW TABLE AS new_tasks
  FOR EACH STATEMENT EXECUTE FUNCTION run_counts_task_state();
