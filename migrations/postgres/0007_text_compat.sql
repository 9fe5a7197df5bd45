-- What SQLite reads and PostgreSQL refused, for statements the hub writes once for both.
--
-- PostgreSQL's text cannot hold U+0000, so json_each() (which unescapes) refused a document
-- holding the escape \u0000, which SQLite reads: a worker's family list with one made its
-- hello fail. The escape (when not itself escaped) is now read as U+FFFD, the replacement
-- character, as the hub stores U+0000 in text (hub/db/pg/run_statement.ts).
CREATE FUNCTION json_text(doc text) RETURNS json LANGUAGE sql IMMUTABLE AS $$
  SELECT (CASE WHEN strpos(doc, '\u0000') > 0
    THEN regexp_replace(doc, '(?<!\\)((?:\\\\)*)\\u0000', '\1\\ufffd', 'g')
    ELSE doc END)::json
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION json_each(doc text) RETURNS TABLE (key text, value text)
LANGUAGE sql IMMUTABLE AS $$
  SELECT NULL::text, e FROM json_array_elements_text(json_text(doc)) AS e
    WHERE json_typeof(json_text(doc)) = 'array'
  UNION ALL
  SELECT k, v FROM json_each_text(json_text(doc)) AS o(k, v)
    WHERE json_typeof(json_text(doc)) = 'object'
$$;
--> statement-breakpoint
-- SQLite's substr() takes any integers; the hub passes integers as bigint, and PostgreSQL's
-- substr() takes int: a connected worker's family found in conflict failed its hello.
CREATE FUNCTION substr(s text, start bigint, n bigint) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT substr(s, start::int, n::int)
$$;
--> statement-breakpoint
CREATE FUNCTION substr(s text, start bigint) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT substr(s, start::int)
$$;
