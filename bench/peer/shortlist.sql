-- Shortlist(vacancy, k) in SQL: the scoring model of docs/scoring.md, term by term.
-- Returns the top k candidates by score desc, id asc, score rounded to 6 decimals.
-- "Today" is the UTC date, as in the engine.
CREATE OR REPLACE FUNCTION shortlist(vac text, k int)
RETURNS TABLE (candidate_id text, score float8) LANGUAGE sql STABLE AS $$
WITH p AS (SELECT * FROM policy),
today AS (SELECT (now() AT TIME ZONE 'UTC')::date AS d),
v AS (
  SELECT v.*,
         p.max_retraining_weeks * CASE WHEN v.hard_to_fill THEN p.hard_to_fill_factor ELSE 1 END
           AS cap,
         coalesce(v.starts_at, today.d) AS start_day
  FROM vacancies v, p, today
  WHERE v.id = vac AND v.status = 1 AND (v.expires_at IS NULL OR v.expires_at >= today.d)),
-- Trade: the best trade of the candidate among those reaching the vacancy's trade.
trade AS (
  SELECT ct.cand_id,
         max(ts.sim * ((1 - p.experience_share) + p.experience_share *
             least(ct.years::float8, p.experience_full_years) / p.experience_full_years)) AS c
  FROM v, p
  JOIN trade_sim ts ON true
  JOIN candidate_trades ct ON ct.trade = ts.from_trade
  WHERE ts.to_trade = v.trade AND ts.sim >= p.min_trade_similarity
  GROUP BY ct.cand_id),
-- Cheap exclusions first (status, travel distance), so that the per-pair retraining sum
-- below only runs for candidates still in the race.
reach AS MATERIALIZED (
  SELECT c.id, c.region, c.sector, c.status, c.available_from, c.max_travel_km, c.willing,
         c.quals, t.c AS c_trade, rp.km, rp.same_cluster
  FROM trade t
  JOIN candidates c ON c.id = t.cand_id
  CROSS JOIN v
  JOIN region_pair rp ON rp.a = c.region AND rp.b = v.region
  WHERE c.status NOT IN (6, 7) AND rp.km <= c.max_travel_km),
pair AS (
  SELECT c.id, c.c_trade,
         sm.w * CASE WHEN c.sector = v.sector THEN 1 ELSE 1 - p.own_sector_preference END
           AS c_sector,
         m.weeks, m.cost, m.n_missing, v.cap, v.pref,
         (SELECT count(*) FROM unnest(v.pref) q WHERE q = ANY (c.quals)) AS pref_held,
         least(1, 1 - c.km / c.max_travel_km +
               CASE WHEN c.same_cluster AND c.region <> v.region THEN p.same_cluster_bonus
                    ELSE 0 END) AS c_dist,
         sw.w * CASE WHEN c.available_from IS NULL OR c.available_from <= v.start_day THEN 1
                     ELSE greatest(0, 1 - (c.available_from - v.start_day) / p.horizon_days)
                END AS c_avail,
         CASE WHEN v.hard_to_fill THEN p.urgency_hard ELSE p.urgency_normal END AS c_urg
  FROM reach c
  CROSS JOIN v CROSS JOIN p
  JOIN sector_mob sm ON sm.from_s = c.sector AND sm.to_s = v.sector
  JOIN status_weight sw ON sw.status = c.status
  -- Retraining: sums over the required qualifications the candidate lacks.
  CROSS JOIN LATERAL (
    SELECT coalesce(sum(q.weeks), 0) AS weeks, coalesce(sum(q.cost), 0) AS cost,
           count(q.qid) AS n_missing
    FROM unnest(v.req) r(qid) JOIN qual q ON q.qid = r.qid
    WHERE NOT (r.qid = ANY (c.quals))) m
  WHERE (c.willing OR m.n_missing = 0)
    AND m.weeks <= v.cap),
scored AS (
  SELECT id,
         (p.w_trade * c_trade + p.w_sector * c_sector +
          p.w_qual * ((1 - p.preferred_bonus_share) *
                        (1 - ((1 - p.cost_share) * weeks / cap +
                              p.cost_share * least(1, cost / p.cost_scale_eur))) +
                      p.preferred_bonus_share *
                        CASE WHEN cardinality(pref) = 0 THEN 1
                             ELSE pref_held::float8 / cardinality(pref) END) +
          p.w_dist * c_dist + p.w_avail * c_avail + p.w_urgency * c_urg) /
         (p.w_trade + p.w_sector + p.w_qual + p.w_dist + p.w_avail + p.w_urgency) AS total
  FROM pair, p)
SELECT id, round(total::numeric, 6)::float8 FROM scored
ORDER BY round(total::numeric, 6) DESC, id ASC
LIMIT k
$$;
