-- From the staging tables (raw JSON lines) to the peer's tables, as the server stores
-- them: each event with the dimensions of its candidate (and a placement's job), the
-- cancellations applied, the placements' effects on the present records applied, then
-- the indexes and statistics. Run after COPY into stage_* (pg.sh load-outcomes).
SET client_min_messages = warning;
SET work_mem = '256MB';

INSERT INTO o_candidates
SELECT doc->>'id', coalesce(doc->>'region', ''),
       replace(coalesce(doc->>'sector', ''), 'SECTOR_', ''), coalesce(doc->>'source', ''),
       replace(coalesce(doc->>'status', ''), 'CANDIDATE_STATUS_', '')
FROM stage_candidates;

INSERT INTO o_vacancies
SELECT doc->>'id', coalesce(doc->>'region', ''),
       replace(coalesce(doc->>'sector', ''), 'SECTOR_', ''), coalesce(doc->>'source', ''),
       coalesce((doc->>'hard_to_fill')::bool, false),
       greatest(coalesce((doc->>'positions')::int, 0), 1) - coalesce((doc->>'filled_positions')::int, 0),
       replace(coalesce(doc->>'status', 'VACANCY_STATUS_OPEN'), 'VACANCY_STATUS_', ''),
       (doc->>'expires_at')::date
FROM stage_vacancies;

-- Status changes.
INSERT INTO events (seq, event_id, kind, person, day, status, region, sector, source)
SELECT s.line, s.doc->>'event_id', 1, b->>'candidate_id', (b->>'date')::date,
       replace(b->>'to', 'CANDIDATE_STATUS_', ''),
       coalesce(c.region, ''), coalesce(c.sector, ''), coalesce(c.source, '')
FROM stage_events s CROSS JOIN LATERAL (SELECT s.doc->'status_change' AS b) x
LEFT JOIN o_candidates c ON c.id = b->>'candidate_id'
WHERE s.doc ? 'status_change';

-- Placements: the job's region, sector and hard-to-fill from the vacancy or the external job.
INSERT INTO events (seq, event_id, kind, person, day, region, sector, source, job_region,
                    job_sector, hard_to_fill, retrained)
SELECT s.line, s.doc->>'event_id', 2, b->>'candidate_id', (b->>'start_date')::date,
       coalesce(c.region, ''), coalesce(c.sector, ''), coalesce(c.source, ''),
       coalesce(v.region, b->'external'->>'region', ''),
       coalesce(v.sector, replace(b->'external'->>'sector', 'SECTOR_', ''), ''),
       coalesce(v.hard_to_fill, (b->'external'->>'hard_to_fill')::bool, false),
       coalesce(jsonb_array_length(b->'retrained_qualifications'), 0) > 0
FROM stage_events s CROSS JOIN LATERAL (SELECT s.doc->'placement' AS b) x
LEFT JOIN o_candidates c ON c.id = b->>'candidate_id'
LEFT JOIN o_vacancies v ON v.id = b->>'vacancy_id'
WHERE s.doc ? 'placement';

-- Tracks: the first event of a track_id starts it (and may end it at once); a later one
-- ends it. A track ends once: the first end counts.
CREATE TEMP TABLE tr AS
SELECT s.line, s.doc->>'event_id' AS event_id, s.doc->'track' AS b,
       row_number() OVER (PARTITION BY s.doc->'track'->>'track_id' ORDER BY s.line) AS nth
FROM stage_events s WHERE s.doc ? 'track';
INSERT INTO events (seq, event_id, kind, person, day, region, sector, source, cost_eur, link)
SELECT t.line, t.event_id, 3, t.b->>'candidate_id', (t.b->>'start_date')::date,
       coalesce(c.region, ''), coalesce(c.sector, ''), coalesce(c.source, ''),
       coalesce((t.b->>'cost_eur')::int, 0), t.b->>'track_id'
FROM tr t LEFT JOIN o_candidates c ON c.id = t.b->>'candidate_id'
WHERE t.nth = 1;
INSERT INTO events (seq, event_id, kind, person, day, status, region, sector, source, link)
SELECT DISTINCT ON (t.b->>'track_id')
       t.line, t.event_id, 4, st.person, (t.b->>'end_date')::date,
       replace(t.b->>'result', 'TRACK_RESULT_', ''), st.region, st.sector, st.source,
       t.b->>'track_id'
FROM tr t JOIN events st ON st.kind = 3 AND st.link = t.b->>'track_id'
WHERE t.b->>'result' IN ('TRACK_RESULT_COMPLETED', 'TRACK_RESULT_DROPPED')
ORDER BY t.b->>'track_id', t.line;
DROP TABLE tr;

-- Follow-ups: the placement's person, with that person's dimensions.
INSERT INTO events (seq, event_id, kind, person, day, region, sector, source, link, months,
                    in_work)
SELECT s.line, s.doc->>'event_id', 5, p.person, (b->>'date')::date,
       p.region, p.sector, p.source, b->>'placement_event_id', (b->>'months')::smallint,
       coalesce((b->>'in_work')::bool, false)
FROM stage_events s CROSS JOIN LATERAL (SELECT s.doc->'follow_up' AS b) x
JOIN events p ON p.kind = 2 AND p.event_id = b->>'placement_event_id'
WHERE s.doc ? 'follow_up';

-- Cancellations: the cancelled event stops counting; a cancelled track start cancels the
-- track (its end too).
INSERT INTO cancellations
SELECT s.line, s.doc->>'event_id', b->>'cancelled_event_id', b->>'reason'
FROM stage_events s CROSS JOIN LATERAL (SELECT s.doc->'cancellation' AS b) x
WHERE s.doc ? 'cancellation';
CREATE INDEX events_event_id ON events (event_id);
UPDATE events e SET cancelled = true
FROM cancellations c WHERE e.event_id = c.cancelled_event_id;
UPDATE events e SET cancelled = true
FROM events st WHERE st.kind = 3 AND st.cancelled AND e.kind = 4 AND e.link = st.link
  AND NOT e.cancelled;

-- The placements' effects on the present records: the candidate PLACED, a seat taken
-- (FILLED when none is left).
UPDATE o_candidates c SET status = 'PLACED'
FROM events p WHERE p.kind = 2 AND NOT p.cancelled AND p.person = c.id;
UPDATE o_vacancies v SET seats_left = v.seats_left - t.n,
       status = CASE WHEN v.seats_left - t.n <= 0 AND v.status = 'OPEN' THEN 'FILLED' ELSE v.status END
FROM (SELECT s.doc->'placement'->>'vacancy_id' AS id, count(*) AS n
      FROM stage_events s JOIN events p ON p.event_id = s.doc->>'event_id' AND p.kind = 2
      WHERE s.doc ? 'placement' AND NOT p.cancelled AND s.doc->'placement' ? 'vacancy_id'
      GROUP BY 1) t
WHERE v.id = t.id;

TRUNCATE stage_candidates, stage_vacancies, stage_events;

-- Physical design for the reports: rows in (person, date, recording order), the order of
-- the per-person episode pass, so it is read by an index scan over a clustered table
-- instead of sorted per query.
CREATE INDEX events_person_day ON events (person, day, seq);
CLUSTER events USING events_person_day;  -- also drops the updated rows' old versions
-- The episode pass reads only live status changes and placements: a partial covering
-- index serves it by an index-only scan in (person, date, recording order).
CREATE INDEX events_episode ON events (person, day, seq)
  INCLUDE (kind, status, event_id, region, sector, source, job_sector, hard_to_fill, retrained)
  WHERE kind IN (1, 2) AND NOT cancelled;
CREATE INDEX events_kind_day ON events (kind, day);
CREATE INDEX o_candidates_region ON o_candidates (region);
VACUUM ANALYZE events;
VACUUM ANALYZE o_candidates;
VACUUM ANALYZE o_vacancies;
VACUUM ANALYZE region_cluster;
VACUUM ANALYZE cancellations;
