-- SQLite's JSON functions the hub's statements use on text columns and parameters, with
-- SQLite's meaning: the elements of a JSON array (or the members of an object) as text,
-- and an array's length.
CREATE FUNCTION json_each(doc text) RETURNS TABLE (key text, value text)
LANGUAGE sql IMMUTABLE AS $$
  SELECT NULL::text, e FROM json_array_elements_text(doc::json) AS e
    WHERE json_typeof(doc::json) = 'array'
  UNION ALL
  SELECT k, v FROM json_each_text(doc::json) AS o(k, v)
    WHERE json_typeof(doc::json) = 'object'
$$;
--> statement-breakpoint
CREATE FUNCTION json_array_length(doc text) RETURNS integer
LANGUAGE sql IMMUTABLE AS $$
  SELECT json_array_length(doc::json)
$$;
