-- Claims of several hubs run at once (the write lock shared), but each updated the count rows
-- of the runs it leased from, (run, ready) and (run, leased): claims from one run waited for
-- each other on those rows until commit, and so did their hubs. Now a claim appends its counts
-- to run_count_deltas (no row another claim can hold), and other writes, which run one at a
-- time, fold the deltas into the counts (run_counts_fold, from the reaper). run_counts, which
-- the hub reads, becomes a view summing both; deleting from it deletes from both.
ALTER TABLE run_counts RENAME TO run_counts_base;
--> statement-breakpoint
CREATE TABLE run_count_deltas (run_id text NOT NULL, state text NOT NULL, n bigint NOT NULL);
--> statement-breakpoint
CREATE INDEX run_count_deltas_run_idx ON run_count_deltas (run_id);
--> statement-breakpoint
CREATE VIEW run_counts AS
  SELECT run_id, state, sum(n)::bigint AS n FROM (
    SELECT run_id, state, n FROM run_counts_base
    UNION ALL
    SELECT run_id, state, n FROM run_count_deltas) AS c
  GROUP BY run_id, state;
--> statement-breakpoint
CREATE FUNCTION run_counts_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM run_counts_base WHERE run_id = OLD.run_id AND state = OLD.state;
  DELETE FROM run_count_deltas WHERE run_id = OLD.run_id AND state = OLD.state;
  RETURN OLD;
END $$;
--> statement-breakpoint
CREATE TRIGGER run_counts_delete INSTEAD OF DELETE ON run_counts
  FOR EACH ROW EXECUTE FUNCTION run_counts_delete();
--> statement-breakpoint
-- In a claim's transaction (the hub sets drover.shared_write), the sums go to the deltas.
-- Otherwise they are added to the counts, in (run, state) order (the rows locked in one order),
-- negative ones too: a row a claim counted is in the deltas until folded.
CREATE OR REPLACE FUNCTION run_counts_add(delta jsonb) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('drover.shared_write', true) = 'on' THEN
    INSERT INTO run_count_deltas (run_id, state, n)
      SELECT d.run_id, d.state, d.n
      FROM jsonb_to_recordset(delta) AS d(run_id text, state text, n bigint) WHERE d.n <> 0;
  ELSE
    INSERT INTO run_counts_base (run_id, state, n)
      SELECT d.run_id, d.state, d.n
      FROM jsonb_to_recordset(delta) AS d(run_id text, state text, n bigint)
      WHERE d.n <> 0 ORDER BY d.run_id, d.state
      ON CONFLICT (run_id, state) DO UPDATE SET n = run_counts_base.n + excluded.n;
  END IF;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION run_tasks_before() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM run_counts_add(jsonb_build_array(jsonb_build_object(
    'run_id', NEW.run_id, 'state', 'already_done', 'n', NEW.before - OLD.before)));
  RETURN NULL;
END $$;
--> statement-breakpoint
-- Folds the deltas into the counts; returns how many (run, state) rows changed. Called under
-- the write lock held exclusive, when no claim is open: every delta is committed.
CREATE FUNCTION run_counts_fold() RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  folded integer;
BEGIN
  WITH gone AS (DELETE FROM run_count_deltas RETURNING run_id, state, n)
  INSERT INTO run_counts_base (run_id, state, n)
    SELECT run_id, state, sum(n) FROM gone GROUP BY run_id, state HAVING sum(n) <> 0
    ORDER BY run_id, state
    ON CONFLICT (run_id, state) DO UPDATE SET n = run_counts_base.n + excluded.n;
  GET DIAGNOSTICS folded = ROW_COUNT;
  RETURN folded;
END $$;
--> statement-breakpoint
-- A claim's events wake the other hubs after its commit, not during it: NOTIFY makes commits
-- that notify wait for one another (a lock held through the commit), so claims' would run one
-- at a time again. In a claim's transaction the trigger only notes that events were added; the
-- hub notifies once the transaction committed (hub/db/pg/libsql_client.ts).
CREATE OR REPLACE FUNCTION events_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('drover.shared_write', true) = 'on' THEN
    PERFORM set_config('drover.events_added', 'on', true);
  ELSE
    PERFORM pg_notify('drover_events', '');
  END IF;
  RETURN NULL;
END $$;
