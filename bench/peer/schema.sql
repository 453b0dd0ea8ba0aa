-- The PostgreSQL peer: the same model and records the w2w server holds, loaded with COPY
-- from w2w-peer-export's files, indexed for the Shortlist query (shortlist.sql).
-- Ids of regions, trades and qualifications are the taxonomy's dense ids.
SET client_min_messages = warning;
DROP TABLE IF EXISTS trade_sim, region_pair, sector_mob, status_weight, qual, policy,
  candidates, candidate_trades, vacancies CASCADE;

CREATE TABLE trade_sim (from_trade int NOT NULL, to_trade int NOT NULL, sim float8 NOT NULL,
  PRIMARY KEY (to_trade, from_trade));
CREATE TABLE region_pair (a int NOT NULL, b int NOT NULL, km float8 NOT NULL,
  same_cluster bool NOT NULL, a_name text NOT NULL, PRIMARY KEY (a, b));
CREATE TABLE sector_mob (from_s int NOT NULL, to_s int NOT NULL, w float8 NOT NULL,
  PRIMARY KEY (from_s, to_s));
CREATE TABLE status_weight (status int PRIMARY KEY, w float8 NOT NULL);
CREATE TABLE qual (qid int PRIMARY KEY, code text NOT NULL, weeks float8 NOT NULL,
  cost float8 NOT NULL);
CREATE TABLE policy (
  w_trade float8, w_sector float8, w_qual float8, w_dist float8, w_avail float8,
  w_urgency float8, own_sector_preference float8, min_trade_similarity float8,
  experience_full_years float8, experience_share float8, max_retraining_weeks float8,
  hard_to_fill_factor float8, cost_scale_eur float8, cost_share float8,
  preferred_bonus_share float8, same_cluster_bonus float8, default_max_travel_km float8,
  horizon_days float8, urgency_hard float8, urgency_normal float8);

CREATE TABLE candidates (id text PRIMARY KEY, region int NOT NULL, sector int NOT NULL,
  status int NOT NULL, available_from date, max_travel_km float8 NOT NULL,
  willing bool NOT NULL, quals int[] NOT NULL);
CREATE TABLE candidate_trades (cand_id text NOT NULL, trade int NOT NULL, years int NOT NULL);
CREATE TABLE vacancies (id text PRIMARY KEY, region int NOT NULL, sector int NOT NULL,
  trade int NOT NULL, req int[] NOT NULL, pref int[] NOT NULL, hard_to_fill bool NOT NULL,
  status int NOT NULL, expires_at date, starts_at date);
