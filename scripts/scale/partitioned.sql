-- The province layout of docs/scale.md, tried at a few million cases: cases, their timeline and
-- the daily aggregates partitioned by county (LIST) and the cases and timeline again by year
-- (RANGE), bulk-seeded with generate_series, then the queue, dashboard and figure queries
-- EXPLAINed (partition pruning) and timed. Run by scripts/bench_scale_pg.sh; psql variables:
-- :cases (how many) and :counties (how many). The tables are a reduced copy of sanfu's (the
-- columns these queries read), under a schema of their own, in a throwaway database.
\set ON_ERROR_STOP on
\timing on
SET work_mem = '64MB';
DROP SCHEMA IF EXISTS province CASCADE;
CREATE SCHEMA province;
SET search_path = province;

-- Units: per county, 20 towns and departments, 15 villages each (ids are county*100000 + n).
CREATE TABLE unit (id int PRIMARY KEY, county_id int NOT NULL, path text NOT NULL);
INSERT INTO unit SELECT c, c, lpad(c::text, 10, '0') || '.' FROM generate_series(1, :counties) c;
INSERT INTO unit
SELECT c * 100000 + t, c, lpad(c::text, 10, '0') || '.' || lpad((c * 100000 + t)::text, 10, '0') || '.'
FROM generate_series(1, :counties) c, generate_series(1, 20) t;
INSERT INTO unit
SELECT c * 100000 + t * 100 + v, c,
       lpad(c::text, 10, '0') || '.' || lpad((c * 100000 + t)::text, 10, '0') || '.'
       || lpad((c * 100000 + t * 100 + v)::text, 10, '0') || '.'
FROM generate_series(1, :counties) c, generate_series(1, 20) t, generate_series(1, 15) v;
CREATE INDEX ON unit (path text_pattern_ops);

-- Cases: LIST by county, each county RANGE by year of receipt. The primary key must hold the
-- partition keys (Django 5.2's CompositePrimaryKey, or a unique (county, id) beside a plain id).
CREATE TABLE cases (
    id bigint NOT NULL, county_id int NOT NULL, received_at timestamptz NOT NULL,
    state text NOT NULL, channel text NOT NULL, category_id int,
    location_unit_id int NOT NULL, lead_unit_id int, desk_unit_id int NOT NULL,
    reply_deadline timestamptz, replied_at timestamptz,
    PRIMARY KEY (county_id, received_at, id)
) PARTITION BY LIST (county_id);
CREATE TABLE case_event (
    id bigint NOT NULL, county_id int NOT NULL, case_id bigint NOT NULL,
    at timestamptz NOT NULL, kind text NOT NULL,
    PRIMARY KEY (county_id, at, id)
) PARTITION BY LIST (county_id);
CREATE TABLE daily_parts (
    day date NOT NULL, county_id int NOT NULL, grain text NOT NULL, unit_id int NOT NULL,
    category_id int, channel text NOT NULL DEFAULT '',
    received int NOT NULL DEFAULT 0, handled int NOT NULL DEFAULT 0, late int NOT NULL DEFAULT 0
) PARTITION BY LIST (county_id);

SELECT format('CREATE TABLE %I PARTITION OF cases FOR VALUES IN (%s) PARTITION BY RANGE (received_at)', 'cases_c' || c, c),
       format('CREATE TABLE %I PARTITION OF case_event FOR VALUES IN (%s) PARTITION BY RANGE (at)', 'case_event_c' || c, c),
       format('CREATE TABLE %I PARTITION OF daily_parts FOR VALUES IN (%s)', 'daily_parts_c' || c, c)
FROM generate_series(1, :counties) c \gexec
SELECT format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
              t || '_c' || c || '_y' || y, t || '_c' || c, y || '-01-01 00:00+08', (y + 1) || '-01-01 00:00+08')
FROM generate_series(1, :counties) c, generate_series(2024, 2027) y, unnest(ARRAY['cases', 'case_event']) t \gexec

-- Two years of cases, spread evenly over the counties; 3% still open.
INSERT INTO cases
SELECT n, c, r, s, (ARRAY['hotline','web','wechat','walk_in','grid','open311'])[1 + n % 6],
       1 + (n::bigint * 7919) % 600, v, CASE WHEN s = 'new' THEN NULL ELSE l END, c,
       r + interval '5 days', CASE WHEN s = 'closed' THEN r + (n % 9) * interval '1 day' END
FROM (
    SELECT n, 1 + n % :counties AS c,
           timestamptz '2026-12-05 00:00+08' - (n % 730) * interval '1 day' - (n % 86400) * interval '1 second' AS r,
           CASE WHEN (n / 7) % 100 < 97 THEN 'closed' WHEN (n / 7) % 100 < 98 THEN 'new' ELSE 'in_progress' END AS s,
           (1 + n % :counties) * 100000 + 1 + (n / 3) % 20 AS l,
           (1 + n % :counties) * 100000 + (1 + n % 20) * 100 + 1 + (n / 20) % 15 AS v
    FROM generate_series(1, :cases) n
) x;
-- Two timeline events a case: received, and answered (open cases: dispatched).
INSERT INTO case_event
SELECT 2 * id - 1, county_id, id, received_at, 'received' FROM cases;
INSERT INTO case_event
SELECT 2 * id, county_id, id, COALESCE(replied_at, received_at + interval '1 hour'),
       CASE WHEN replied_at IS NULL THEN 'dispatched' ELSE 'replied' END FROM cases;

-- Indexes as sanfu declares them, created on the partitioned parents (one per partition).
CREATE INDEX ON cases (lead_unit_id, state, received_at);
CREATE INDEX ON cases (location_unit_id, received_at);
CREATE INDEX ON cases (replied_at);
CREATE INDEX ON case_event (case_id);

-- The daily aggregates, rebuilt set-based per county partition: unit grain for the county and
-- each town (a case counts where it lies and where it is led).
INSERT INTO daily_parts (day, county_id, grain, unit_id, received, handled)
SELECT d, county_id, 'unit', unit_id, SUM(received), SUM(handled) FROM (
    SELECT (received_at AT TIME ZONE 'Asia/Shanghai')::date d, county_id, county_id unit_id, 1 received, 0 handled FROM cases
    UNION ALL
    SELECT (received_at AT TIME ZONE 'Asia/Shanghai')::date, county_id, location_unit_id / 100 , 1, 0 FROM cases
    UNION ALL
    SELECT (replied_at AT TIME ZONE 'Asia/Shanghai')::date, county_id, county_id, 0, 1 FROM cases WHERE replied_at IS NOT NULL
    UNION ALL
    SELECT (replied_at AT TIME ZONE 'Asia/Shanghai')::date, county_id, location_unit_id / 100, 0, 1 FROM cases WHERE replied_at IS NOT NULL
) f GROUP BY d, county_id, unit_id;
CREATE INDEX ON daily_parts (grain, unit_id, day) INCLUDE (received, handled);
VACUUM ANALYZE;

SELECT 'cases' AS table, count(*) FROM cases UNION ALL SELECT 'case_event', count(*) FROM case_event
UNION ALL SELECT 'daily_parts', count(*) FROM daily_parts;
SELECT pg_size_pretty(pg_total_relation_size('cases_c1')) AS one_county_cases;

\echo == queue: open cases led by one town, oldest first (workbench home)
EXPLAIN (ANALYZE, COSTS OFF, SUMMARY ON)
SELECT id, received_at, state FROM cases
WHERE county_id = 2 AND lead_unit_id = 200003 AND state IN ('new', 'assigned', 'in_progress')
ORDER BY received_at LIMIT 50;

\echo == queue, with the period the workbench shows (last 12 months): county and year pruned
EXPLAIN (ANALYZE, COSTS OFF, SUMMARY ON)
SELECT id, received_at, state FROM cases
WHERE county_id = 2 AND lead_unit_id = 200003 AND state IN ('new', 'assigned', 'in_progress')
  AND received_at >= '2026-01-01 00:00+08'
ORDER BY received_at LIMIT 50;

\echo == dashboard: the county and its towns by month, 12 months, from the aggregates
EXPLAIN (ANALYZE, COSTS OFF, SUMMARY ON)
SELECT unit_id, date_trunc('month', day) m, SUM(received), SUM(handled) FROM daily_parts
WHERE county_id = 2 AND grain = 'unit' AND unit_id IN (SELECT id FROM unit WHERE county_id = 2 AND id < 2 * 100000 + 100)
  AND day >= '2025-12-01' AND day < '2026-12-01'
GROUP BY unit_id, m;

\echo == figure: answers and late answers of one county in one month, live from the cases
EXPLAIN (ANALYZE, COSTS OFF, SUMMARY ON)
SELECT count(*), count(*) FILTER (WHERE replied_at > reply_deadline) FROM cases
WHERE county_id = 2 AND received_at >= '2026-11-01 00:00+08' AND received_at < '2026-12-01 00:00+08';

\echo == timeline of one case (the case page): county, year and case id
EXPLAIN (ANALYZE, COSTS OFF, SUMMARY ON)
SELECT * FROM case_event WHERE county_id = 3 AND case_id = 1000001 ORDER BY at;

\echo == the same, when the page also knows the year the case was received: one partition
EXPLAIN (ANALYZE, COSTS OFF, SUMMARY ON)
SELECT * FROM case_event WHERE county_id = 3 AND case_id = 1000001
  AND at >= '2025-01-01 00:00+08' AND at < '2026-01-01 00:00+08' ORDER BY at;
