-- Claims of several hubs now run at once (they take the write lock shared), and each updates
-- the count rows of the runs it leases from. Rows locked in different orders by two statements
-- deadlock, and PostgreSQL breaks a deadlock only after deadlock_timeout (1 s). The additions
-- were already made in (run, state) order; the subtractions now lock their rows in that order
-- too, before updating them.
CREATE OR REPLACE FUNCTION run_counts_add(delta jsonb) RETURNS void LANGUAGE sql AS $$
  INSERT INTO run_counts (run_id, state, n)
    SELECT d.run_id, d.state, d.n FROM jsonb_to_recordset(delta) AS d(run_id text, state text, n bigint)
    WHERE d.n > 0 ORDER BY d.run_id, d.state
    ON CONFLICT (run_id, state) DO UPDATE SET n = run_counts.n + excluded.n;
  SELECT 1 FROM run_counts rc
    JOIN jsonb_to_recordset(delta) AS d(run_id text, state text, n bigint)
      ON rc.run_id = d.run_id AND rc.state = d.state
    WHERE d.n < 0 ORDER BY rc.run_id, rc.state FOR UPDATE OF rc;
  UPDATE run_counts rc SET n = rc.n + d.n
    FROM jsonb_to_recordset(delta) AS d(run_id text, state text, n bigint)
    WHERE d.n < 0 AND rc.run_id = d.run_id AND rc.state = d.state;
$$;
