-- report(group_by, from, to): every figure of docs/outcomes.md "Definitions" in SQL, one
-- row per group plus the total (grp NULL, last), computed from the events on each call as
-- the server does (no stored aggregates). group_by: 'region', 'cluster', 'sector',
-- 'source', 'month' ("YYYY-MM"), anything else one row. Sector codes without 'SECTOR_'.
--
-- The person's episode: per person, status changes and placements in date order
-- (recording order within a day), cancelled rows left out. A placement and a status
-- change to EMPLOYED or PLACED close whatever is open; so the closers cut each person's
-- sequence into segments, and a segment holds an episode iff it has a signal status
-- change: its first signal opens the episode (the opener: no signal since the last
-- closer), its closer closes it, and a closing placement belongs to it (a signal since
-- the last closer). All of it by window functions over one ordered pass.
-- Rows after to_date cannot change any figure of the period and are left out.
--
-- Rates with a zero denominator are 0. Median and p90 by the nearest rank
-- (percentile_disc), as docs/outcomes.md defines them and w2w computes them.
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
LANGUAGE plpgsql STABLE AS $fn$
#variable_conflict use_column
BEGIN
-- RETURN QUERY: PostgreSQL may run the scans below in parallel (it does not inside a
-- LANGUAGE sql set-returning function).
RETURN QUERY
WITH
-- Status changes and placements up to to_date in the person's order, read in that order
-- from the partial covering index events_episode; three window layers over the same
-- order (so no sort): l1 counts what came before each row, l2 what the segment started
-- from, l3 where the open episode began.
l1 AS (
  SELECT e.person, e.day, e.seq, e.kind, e.status, e.event_id, e.region, e.sector, e.source,
         e.job_sector, e.hard_to_fill, e.retrained,
         e.status IN ('AT_RISK', 'NOTICE_GIVEN', 'BANKRUPT_EMPLOYER', 'UNEMPLOYED') AS signal,
         (e.kind = 2 OR e.status IN ('EMPLOYED', 'PLACED')) AS closer,
         -- One frame for all three (one window pass): counts before the row are the
         -- counts through it less the row itself.
         row_number() OVER w AS rn,
         count(*) FILTER (WHERE e.status IN ('AT_RISK', 'NOTICE_GIVEN', 'BANKRUPT_EMPLOYER',
                                             'UNEMPLOYED')) OVER w
           - coalesce(e.status IN ('AT_RISK', 'NOTICE_GIVEN', 'BANKRUPT_EMPLOYER', 'UNEMPLOYED'),
                      false)::int
           AS sig_before,
         count(*) FILTER (WHERE e.status = 'UNEMPLOYED') OVER w
           - coalesce(e.status = 'UNEMPLOYED', false)::int AS unemp_before
  FROM events e
  WHERE e.kind IN (1, 2) AND NOT e.cancelled AND e.day <= p_to
  WINDOW w AS (PARTITION BY e.person ORDER BY e.day, e.seq ROWS UNBOUNDED PRECEDING)),
l2 AS (
  SELECT l1.*,
         -- Signals and UNEMPLOYED counted up to the last closer before the row.
         coalesce(max(CASE WHEN l1.closer THEN l1.sig_before END) OVER wb, 0) AS sig_at_close,
         coalesce(max(CASE WHEN l1.closer THEN l1.unemp_before END) OVER wb, 0) AS unemp_at_close,
         -- The next closer from this row on (rn * 2, + 1 unless a placement).
         min(CASE WHEN l1.closer THEN l1.rn * 2 + (l1.kind <> 2)::int END)
           OVER (w ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS next_close
  FROM l1
  WINDOW w AS (PARTITION BY l1.person ORDER BY l1.day, l1.seq),
         wb AS (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)),
l3 AS (
  SELECT l2.*,
         l2.signal AND l2.sig_before = l2.sig_at_close AS opener,
         l2.sig_before > l2.sig_at_close AS in_episode,
         max(CASE WHEN l2.signal AND l2.sig_before = l2.sig_at_close THEN l2.day END)
           OVER (PARTITION BY l2.person ORDER BY l2.day, l2.seq ROWS UNBOUNDED PRECEDING)
           AS open_day
  FROM l2),
pe AS MATERIALIZED (
  SELECT l3.region, l3.sector, l3.source, l3.day, l3.kind, l3.event_id, l3.job_sector,
         l3.hard_to_fill, l3.retrained, l3.opener,
         l3.opener AND l3.next_close % 2 = 0 AS opener_placed,
         CASE WHEN l3.kind = 2 AND l3.in_episode THEN l3.open_day END AS first_day,
         l3.unemp_before > l3.unemp_at_close AS unemployed
  FROM l3
  WHERE l3.day >= p_from AND (l3.opener OR l3.kind = 2)),
-- Episodes entered in the period: their openers.
ep AS (SELECT pe.region, pe.sector, pe.source, pe.day AS first_day, pe.opener_placed AS placed
       FROM pe WHERE pe.opener),
-- Placements in the period, with their episode's first signal (if any) and follow-ups.
pl AS MATERIALIZED (
  SELECT p.region, p.sector, p.source, p.day, p.job_sector, p.hard_to_fill, p.retrained,
         p.first_day, p.unemployed, f.fu6, f.in6, f.fu12, f.in12
  FROM pe p
  LEFT JOIN (SELECT fu.link, bool_or(fu.months = 6) AS fu6,
                    bool_or(fu.months = 6 AND fu.in_work) AS in6,
                    bool_or(fu.months = 12) AS fu12, bool_or(fu.months = 12 AND fu.in_work) AS in12
             FROM events fu WHERE fu.kind = 5 AND NOT fu.cancelled GROUP BY fu.link) f
    ON f.link = p.event_id
  WHERE p.kind = 2),
-- The group key of a row, from its dimensions (cluster: of its region).
a_ev AS (
  SELECT CASE group_by WHEN 'region' THEN e.region
                       WHEN 'cluster' THEN coalesce(rc.cluster, '(no cluster)')
                       WHEN 'sector' THEN e.sector WHEN 'source' THEN e.source
                       WHEN 'month' THEN to_char(e.day, 'YYYY-MM') ELSE '' END AS g,
         count(*) AS n
  FROM events e LEFT JOIN region_cluster rc ON rc.region = e.region
  WHERE NOT e.cancelled AND e.day BETWEEN p_from AND p_to
  GROUP BY GROUPING SETS ((1), ())),
a_ent AS (
  SELECT CASE group_by WHEN 'region' THEN ep.region
                       WHEN 'cluster' THEN coalesce(rc.cluster, '(no cluster)')
                       WHEN 'sector' THEN ep.sector WHEN 'source' THEN ep.source
                       WHEN 'month' THEN to_char(ep.first_day, 'YYYY-MM') ELSE '' END AS g,
         count(*) AS entered, count(*) FILTER (WHERE ep.placed) AS entered_placed
  FROM ep LEFT JOIN region_cluster rc ON rc.region = ep.region
  WHERE ep.first_day >= p_from GROUP BY GROUPING SETS ((1), ())),
plg AS (
  SELECT CASE group_by WHEN 'region' THEN pl.region
                       WHEN 'cluster' THEN coalesce(rc.cluster, '(no cluster)')
                       WHEN 'sector' THEN pl.sector WHEN 'source' THEN pl.source
                       WHEN 'month' THEN to_char(pl.day, 'YYYY-MM') ELSE '' END AS g, pl.*
  FROM pl LEFT JOIN region_cluster rc ON rc.region = pl.region),
a_pl AS (
  SELECT plg.g, count(*) AS placements,
         count(plg.first_day) AS with_signal,
         percentile_disc(0.5) WITHIN GROUP (ORDER BY plg.day - plg.first_day) AS median_days,
         percentile_disc(0.9) WITHIN GROUP (ORDER BY plg.day - plg.first_day) AS p90_days,
         count(*) FILTER (WHERE plg.first_day IS NOT NULL AND NOT plg.unemployed) AS w2w,
         count(*) FILTER (WHERE plg.retrained) AS retrained,
         count(*) FILTER (WHERE plg.hard_to_fill) AS hard_to_fill,
         count(*) FILTER (WHERE plg.job_sector <> plg.sector) AS sector_changes,
         count(*) FILTER (WHERE plg.job_sector IN ('ME', 'INST', 'PROC', 'BOUW', 'MVT')) AS technical,
         count(*) FILTER (WHERE plg.fu6) AS fu6, count(*) FILTER (WHERE plg.in6) AS in6,
         count(*) FILTER (WHERE plg.fu12) AS fu12, count(*) FILTER (WHERE plg.in12) AS in12
  FROM plg GROUP BY GROUPING SETS ((plg.g), ())),
a_mv AS (
  SELECT m.g, string_agg(m.sector || '>' || m.job_sector || ':' || m.n, ' '
                         ORDER BY m.sector, m.job_sector) AS moves
  FROM (SELECT plg.g, plg.sector, plg.job_sector, count(*) AS n FROM plg
        GROUP BY GROUPING SETS ((plg.g, plg.sector, plg.job_sector), (plg.sector, plg.job_sector))) m
  GROUP BY m.g),
a_tr AS (
  SELECT CASE group_by WHEN 'region' THEN e.region
                       WHEN 'cluster' THEN coalesce(rc.cluster, '(no cluster)')
                       WHEN 'sector' THEN e.sector WHEN 'source' THEN e.source
                       WHEN 'month' THEN to_char(e.day, 'YYYY-MM') ELSE '' END AS g,
         count(*) FILTER (WHERE e.kind = 3) AS started,
         count(*) FILTER (WHERE e.kind = 4 AND e.status = 'COMPLETED') AS completed,
         count(*) FILTER (WHERE e.kind = 4 AND e.status = 'DROPPED') AS dropped,
         coalesce(sum(e.cost_eur) FILTER (WHERE e.kind = 3), 0) AS cost
  FROM events e LEFT JOIN region_cluster rc ON rc.region = e.region
  WHERE e.kind IN (3, 4) AND NOT e.cancelled AND e.day BETWEEN p_from AND p_to
  GROUP BY GROUPING SETS ((1), ())),
-- Tension: the present records, by their present dimensions; none by month.
today AS (SELECT (now() AT TIME ZONE 'UTC')::date AS d),
a_ts AS (
  SELECT g, sum(seats) AS seats, sum(avail) AS avail FROM (
    SELECT CASE group_by WHEN 'region' THEN c.region
                         WHEN 'cluster' THEN coalesce(rc.cluster, '(no cluster)')
                         WHEN 'sector' THEN c.sector WHEN 'source' THEN c.source
                         ELSE '' END AS g,
           0 AS seats, count(*) FILTER (WHERE c.status NOT IN ('PLACED', 'UNAVAILABLE')) AS avail
    FROM o_candidates c LEFT JOIN region_cluster rc ON rc.region = c.region
    WHERE group_by <> 'month' GROUP BY 1
    UNION ALL
    SELECT CASE group_by WHEN 'region' THEN v.region
                         WHEN 'cluster' THEN coalesce(rc.cluster, '(no cluster)')
                         WHEN 'sector' THEN v.sector WHEN 'source' THEN v.source
                         ELSE '' END,
           sum(v.seats_left), 0
    FROM o_vacancies v CROSS JOIN today LEFT JOIN region_cluster rc ON rc.region = v.region
    WHERE group_by <> 'month' AND v.status = 'OPEN' AND v.seats_left > 0
      AND (v.expires_at IS NULL OR v.expires_at >= today.d)
    GROUP BY 1) t
  GROUP BY GROUPING SETS ((g), ())),
keys AS (
  SELECT a_ev.g FROM a_ev UNION SELECT a_ent.g FROM a_ent UNION SELECT a_pl.g FROM a_pl
  UNION SELECT a_tr.g FROM a_tr UNION SELECT a_ts.g FROM a_ts
  UNION SELECT NULL)  -- the total is always there
SELECT k.g,
  coalesce(a_ev.n, 0),
  coalesce(a_ent.entered, 0), coalesce(a_ent.entered_placed, 0),
  coalesce(a_ent.entered_placed::float8 / nullif(a_ent.entered, 0), 0),
  coalesce(a_pl.placements, 0),
  coalesce(a_pl.median_days, 0)::float8, coalesce(a_pl.p90_days, 0)::float8,
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
ORDER BY k.g NULLS LAST;
END
$fn$;
