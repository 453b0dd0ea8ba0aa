-- report(group_by, from, to): every figure of docs/outcomes.md "Definitions" in SQL, one
-- row per group plus the total (grp NULL, last), computed from the events on each call as
-- the server does (no stored aggregates). group_by: 'region', 'cluster', 'sector',
-- 'source', 'month' ("YYYY-MM"), anything else one row. Sector codes without 'SECTOR_'.
--
-- The person's episode: per person, status changes and placements in date order
-- (recording order within a day), cancelled rows left out. A placement and a status
-- change to EMPLOYED or PLACED close whatever is open; so the closers cut each person's
-- sequence into segments (the number of closers before a row), and a segment holds an
-- episode iff it has a signal status change: its first signal opens the episode, its
-- closer (the segment's last row) closes it, and a closing placement belongs to it.
-- Rows after to_date cannot change any figure of the period and are left out.
--
-- Rates with a zero denominator are 0. Median: the middle value (mean of the two middle
-- ones for an even count); p90 by the nearest rank (percentile_disc).
CREATE OR REPLACE FUNCTION report(group_by text, p_from date, p_to date)
RETURNS TABLE (
  grp text, events bigint,
  entered bigint, entered_placed bigint, placement_rate float8,
  placements bigint, median_days_to_placement float8, p90_days_to_placement float8,
  placements_with_signal bigint, placed_before_unemployment bigint, work_to_work_share float8,
  placements_with_retraining bigint, placements_without_retraining bigint,
  hard_to_fill_filled bigint,
  tracks_started bigint, tracks_completed bigint, tracks_dropped bigint,
  completion_rate float8, retraining_cost_eur bigint, retraining_cost_per_placement_eur float8,
  sector_moves text, sector_changes bigint, stays_technical_share float8,
  followed_up_6m bigint, retained_6m bigint, retention_6m float8,
  followed_up_12m bigint, retained_12m bigint, retention_12m float8,
  open_seats bigint, available_candidates bigint, tension float8)
LANGUAGE sql STABLE AS $$
WITH
-- Live rows up to to_date, each with its group key.
e AS MATERIALIZED (
  SELECT e.person, e.day, e.seq, e.kind, e.status, e.event_id, e.sector, e.job_sector,
         e.hard_to_fill, e.retrained, e.cost_eur,
         CASE group_by WHEN 'region' THEN e.region
                       WHEN 'cluster' THEN coalesce(rc.cluster, '(none)')
                       WHEN 'sector' THEN e.sector
                       WHEN 'source' THEN e.source
                       WHEN 'month' THEN to_char(e.day, 'YYYY-MM')
                       ELSE '' END AS g
  FROM events e LEFT JOIN region_cluster rc ON rc.region = e.region
  WHERE NOT e.cancelled AND e.day <= p_to),
-- Status changes and placements in the person's order, numbered by segment.
pe AS MATERIALIZED (
  SELECT person, day, kind, status, event_id, sector, job_sector, hard_to_fill, retrained, g,
         status IN ('AT_RISK', 'NOTICE_GIVEN', 'BANKRUPT_EMPLOYER', 'UNEMPLOYED') AS signal,
         coalesce(count(*) FILTER (WHERE kind = 2 OR status IN ('EMPLOYED', 'PLACED'))
                    OVER (PARTITION BY person ORDER BY day, seq
                          ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS seg
  FROM e WHERE kind IN (1, 2)),
-- Episodes: segments with a signal. first_g: the group of the first signal.
ep AS MATERIALIZED (
  SELECT person, seg, min(day) FILTER (WHERE signal) AS first_day,
         (array_agg(g ORDER BY day) FILTER (WHERE signal))[1] AS first_g,
         bool_or(status = 'UNEMPLOYED') AS unemployed,
         bool_or(kind = 2) AS placed
  FROM pe
  GROUP BY person, seg
  HAVING bool_or(signal)),
-- Placements in the period, with their episode (if any) and follow-ups (any date).
pl AS MATERIALIZED (
  SELECT p.g, p.day, p.sector, p.job_sector, p.hard_to_fill, p.retrained,
         ep.first_day, ep.unemployed, f.fu6, f.in6, f.fu12, f.in12
  FROM pe p
  LEFT JOIN ep ON ep.person = p.person AND ep.seg = p.seg
  LEFT JOIN (SELECT link, bool_or(months = 6) AS fu6, bool_or(months = 6 AND in_work) AS in6,
                    bool_or(months = 12) AS fu12, bool_or(months = 12 AND in_work) AS in12
             FROM events WHERE kind = 5 AND NOT cancelled GROUP BY link) f
    ON f.link = p.event_id
  WHERE p.kind = 2 AND p.day >= p_from),
a_ev AS (
  SELECT g, count(*) AS events FROM e WHERE day >= p_from GROUP BY GROUPING SETS ((g), ())),
a_ent AS (
  SELECT first_g AS g, count(*) AS entered, count(*) FILTER (WHERE placed) AS entered_placed
  FROM ep WHERE first_day >= p_from GROUP BY GROUPING SETS ((first_g), ())),
a_pl AS (
  SELECT g, count(*) AS placements,
         count(first_day) AS with_signal,
         percentile_cont(0.5) WITHIN GROUP (ORDER BY day - first_day) AS median_days,
         percentile_disc(0.9) WITHIN GROUP (ORDER BY day - first_day) AS p90_days,
         count(*) FILTER (WHERE first_day IS NOT NULL AND NOT unemployed) AS w2w,
         count(*) FILTER (WHERE retrained) AS retrained,
         count(*) FILTER (WHERE hard_to_fill) AS hard_to_fill,
         count(*) FILTER (WHERE job_sector <> sector) AS sector_changes,
         count(*) FILTER (WHERE job_sector IN ('ME', 'INST', 'PROC', 'BOUW', 'MVT')) AS technical,
         count(*) FILTER (WHERE fu6) AS fu6, count(*) FILTER (WHERE in6) AS in6,
         count(*) FILTER (WHERE fu12) AS fu12, count(*) FILTER (WHERE in12) AS in12
  FROM pl GROUP BY GROUPING SETS ((g), ())),
a_mv AS (
  SELECT g, string_agg(sector || '>' || job_sector || ':' || n, ' ' ORDER BY sector, job_sector)
           AS moves
  FROM (SELECT g, sector, job_sector, count(*) AS n FROM pl
        GROUP BY GROUPING SETS ((g, sector, job_sector), (sector, job_sector))) m
  GROUP BY g),
a_tr AS (
  SELECT g, count(*) FILTER (WHERE kind = 3) AS started,
         count(*) FILTER (WHERE kind = 4 AND status = 'COMPLETED') AS completed,
         count(*) FILTER (WHERE kind = 4 AND status = 'DROPPED') AS dropped,
         coalesce(sum(cost_eur) FILTER (WHERE kind = 3), 0) AS cost
  FROM e WHERE kind IN (3, 4) AND day >= p_from GROUP BY GROUPING SETS ((g), ())),
-- Tension: the present records, by their present dimensions; none by month.
today AS (SELECT (now() AT TIME ZONE 'UTC')::date AS d),
a_ts AS (
  SELECT g, sum(seats) AS seats, sum(avail) AS avail FROM (
    SELECT CASE group_by WHEN 'region' THEN c.region
                         WHEN 'cluster' THEN coalesce(rc.cluster, '(none)')
                         WHEN 'sector' THEN c.sector WHEN 'source' THEN c.source
                         ELSE '' END AS g,
           0 AS seats, count(*) FILTER (WHERE c.status NOT IN ('PLACED', 'UNAVAILABLE')) AS avail
    FROM o_candidates c LEFT JOIN region_cluster rc ON rc.region = c.region
    WHERE group_by <> 'month' GROUP BY 1
    UNION ALL
    SELECT CASE group_by WHEN 'region' THEN v.region
                         WHEN 'cluster' THEN coalesce(rc.cluster, '(none)')
                         WHEN 'sector' THEN v.sector WHEN 'source' THEN v.source
                         ELSE '' END,
           sum(v.seats_left), 0
    FROM o_vacancies v CROSS JOIN today LEFT JOIN region_cluster rc ON rc.region = v.region
    WHERE group_by <> 'month' AND v.status = 'OPEN' AND v.seats_left > 0
      AND (v.expires_at IS NULL OR v.expires_at >= today.d)
    GROUP BY 1) t
  GROUP BY GROUPING SETS ((g), ())),
keys AS (
  SELECT g FROM a_ev UNION SELECT g FROM a_ent UNION SELECT g FROM a_pl
  UNION SELECT g FROM a_tr UNION SELECT g FROM a_ts
  UNION SELECT NULL)  -- the total is always there
SELECT k.g,
  coalesce(a_ev.events, 0),
  coalesce(a_ent.entered, 0), coalesce(a_ent.entered_placed, 0),
  coalesce(a_ent.entered_placed::float8 / nullif(a_ent.entered, 0), 0),
  coalesce(a_pl.placements, 0),
  coalesce(a_pl.median_days, 0), coalesce(a_pl.p90_days, 0),
  coalesce(a_pl.with_signal, 0), coalesce(a_pl.w2w, 0),
  coalesce(a_pl.w2w::float8 / nullif(a_pl.with_signal, 0), 0),
  coalesce(a_pl.retrained, 0), coalesce(a_pl.placements - a_pl.retrained, 0),
  coalesce(a_pl.hard_to_fill, 0),
  coalesce(a_tr.started, 0), coalesce(a_tr.completed, 0), coalesce(a_tr.dropped, 0),
  coalesce(a_tr.completed::float8 / nullif(a_tr.completed + a_tr.dropped, 0), 0),
  coalesce(a_tr.cost, 0),
  coalesce(a_tr.cost::float8 / nullif(a_pl.placements, 0), 0),
  coalesce(a_mv.moves, ''), coalesce(a_pl.sector_changes, 0),
  coalesce(a_pl.technical::float8 / nullif(a_pl.placements, 0), 0),
  coalesce(a_pl.fu6, 0), coalesce(a_pl.in6, 0),
  coalesce(a_pl.in6::float8 / nullif(a_pl.fu6, 0), 0),
  coalesce(a_pl.fu12, 0), coalesce(a_pl.in12, 0),
  coalesce(a_pl.in12::float8 / nullif(a_pl.fu12, 0), 0),
  coalesce(a_ts.seats, 0)::bigint, coalesce(a_ts.avail, 0)::bigint,
  coalesce(a_ts.seats::float8 / nullif(a_ts.avail, 0), 0)
FROM keys k
LEFT JOIN a_ev ON a_ev.g IS NOT DISTINCT FROM k.g
LEFT JOIN a_ent ON a_ent.g IS NOT DISTINCT FROM k.g
LEFT JOIN a_pl ON a_pl.g IS NOT DISTINCT FROM k.g
LEFT JOIN a_mv ON a_mv.g IS NOT DISTINCT FROM k.g
LEFT JOIN a_tr ON a_tr.g IS NOT DISTINCT FROM k.g
LEFT JOIN a_ts ON a_ts.g IS NOT DISTINCT FROM k.g
ORDER BY k.g NULLS LAST
$$;
