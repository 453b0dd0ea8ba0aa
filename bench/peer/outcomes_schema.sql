-- The PostgreSQL peer of the outcome reports (issue 10): the same events the w2w server
-- holds, one row per counted fact, with the dimensions the server snapshots per event
-- (docs/outcomes.md "Events"). Filled by outcomes_load.sql from staging tables that
-- `pg.sh load-outcomes` fills with COPY of the raw JSON Lines files.
SET client_min_messages = warning;
DROP TABLE IF EXISTS stage_candidates, stage_vacancies, stage_events, o_candidates,
  o_vacancies, region_cluster, events, cancellations CASCADE;

-- One JSON document per line, in file order (line = recording order for the events).
CREATE UNLOGGED TABLE stage_candidates (doc jsonb NOT NULL);
CREATE UNLOGGED TABLE stage_vacancies (doc jsonb NOT NULL);
CREATE UNLOGGED TABLE stage_events (line bigserial, doc jsonb NOT NULL);

-- The present records (after the events' effects: placed candidates PLACED, seats taken).
-- Enum values without their prefix: sector 'ME', status 'AT_RISK'; '' when absent.
CREATE TABLE o_candidates (id text PRIMARY KEY, region text NOT NULL, sector text NOT NULL,
  source text NOT NULL, status text NOT NULL);
CREATE TABLE o_vacancies (id text PRIMARY KEY, region text NOT NULL, sector text NOT NULL,
  source text NOT NULL, hard_to_fill bool NOT NULL, seats_left int NOT NULL,
  status text NOT NULL, expires_at date);
-- SPT clusters of the labour-market regions (data/spt_clusters.csv); regions listed
-- nowhere have no cluster and report under '(no cluster)', as w2w's report does.
CREATE TABLE region_cluster (cluster text NOT NULL, region text PRIMARY KEY, basis text);

-- One row per counted fact, as the server's EventLog rows: a track given with its end in
-- one event is two rows (start and end), a cancellation is applied (cancelled = true on
-- the rows it cancels) and kept in `cancellations`.
--   kind 1 status change: status = the new status
--        2 placement:     job_*, hard_to_fill, retrained
--        3 track start:   cost_eur, link = track_id
--        4 track end:     status = 'COMPLETED' | 'DROPPED', link = track_id
--        5 follow-up:     months, in_work, link = the placement's event_id
-- region / sector / source: the candidate's when the event was recorded (the candidate
-- record the events were imported against).
CREATE TABLE events (
  seq bigint NOT NULL,        -- recording order (line of outcomes.jsonl)
  event_id text NOT NULL,
  kind smallint NOT NULL,
  person text NOT NULL,
  day date NOT NULL,
  status text,
  region text NOT NULL,
  sector text NOT NULL,
  source text NOT NULL,
  job_region text,
  job_sector text,
  hard_to_fill bool,
  retrained bool,
  cost_eur int,
  link text,
  months smallint,
  in_work bool,
  cancelled bool NOT NULL DEFAULT false);
CREATE TABLE cancellations (seq bigint NOT NULL, event_id text PRIMARY KEY,
  cancelled_event_id text NOT NULL, reason text);
