-- Indexes a DBA would add for the Shortlist and its filters (after the bulk load).
-- The Shortlist drives from the trades that reach the vacancy's trade: a covering btree
-- on candidate_trades(trade) gives (candidate, years) by index-only scan; candidates are
-- then fetched by primary key. Region, status and sector serve the query filters, GIN on
-- the qualification arrays serves "holds qualification X" look-ups.
CREATE INDEX candidate_trades_trade ON candidate_trades (trade) INCLUDE (cand_id, years);
CREATE INDEX candidate_trades_cand ON candidate_trades (cand_id);
CREATE INDEX candidates_region ON candidates (region);
CREATE INDEX candidates_status ON candidates (status);
CREATE INDEX candidates_sector ON candidates (sector);
CREATE INDEX candidates_quals ON candidates USING gin (quals);
CREATE INDEX vacancies_trade ON vacancies (trade);
CREATE INDEX vacancies_region_status ON vacancies (region, status);
CREATE INDEX vacancies_req ON vacancies USING gin (req);
VACUUM ANALYZE;
