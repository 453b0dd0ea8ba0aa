// w2w-peer: the PostgreSQL side of the peer comparison.
//   --mode=check  For --sample open vacancies (drawn in PostgreSQL with a fixed seed),
//                 asks both w2w (gRPC Shortlist) and PostgreSQL (shortlist() of
//                 shortlist.sql) for the top --k, and lists every difference with its
//                 likely reason ("tie at the 6th decimal" when the scores agree to 2e-6
//                 and only the order among equal scores differs, else "score differs").
//   --mode=bench  Closed loop: --concurrency connections, each running shortlist() for
//                 random open vacancies for --duration_s; latency histogram and
//                 throughput, in the load generator's JSON shape.
// Prints one JSON object.
#include <libpq-fe.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "bench/loadgen/histogram.h"
#include "clients/auth/bearer.h"
#include "grpcpp/grpcpp.h"
#include "w2w/v1/match.grpc.pb.h"

ABSL_FLAG(std::string, mode, "check", "check or bench.");
ABSL_FLAG(std::string, pg, "host=127.0.0.1 port=5432 user=postgres dbname=postgres",
          "libpq connection string of the peer.");
ABSL_FLAG(std::string, target, "127.0.0.1:50051", "w2w server (check mode).");
ABSL_FLAG(int, sample, 50, "check: vacancies compared.");
ABSL_FLAG(uint32_t, k, 20, "Shortlist size.");
ABSL_FLAG(int, concurrency, 1, "bench: connections.");
ABSL_FLAG(double, duration_s, 10, "bench: measured seconds.");
ABSL_FLAG(double, warmup_s, 1, "bench: warm-up seconds.");
ABSL_FLAG(uint64_t, requests, 0, "bench: upper bound on queries (0 = time only).");
ABSL_FLAG(std::string, out, "", "Also write the JSON to this file.");

namespace {

using Clock = std::chrono::steady_clock;

struct PgConn {
  PGconn* conn = nullptr;
  ~PgConn() {
    if (conn != nullptr) PQfinish(conn);
  }
};

struct Row {
  std::string id;
  double score;
};

int Fail(const std::string& message) {
  std::cerr << "w2w-peer: " << message << "\n";
  return 1;
}

bool Connect(PgConn* c, std::string* error) {
  c->conn = PQconnectdb(absl::GetFlag(FLAGS_pg).c_str());
  if (PQstatus(c->conn) != CONNECTION_OK) {
    *error = PQerrorMessage(c->conn);
    return false;
  }
  PGresult* r = PQprepare(c->conn, "shortlist", "SELECT * FROM shortlist($1, $2)", 2, nullptr);
  const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
  if (!ok) *error = PQerrorMessage(c->conn);
  PQclear(r);
  return ok;
}

bool PgShortlist(PgConn& c, const std::string& vacancy, uint32_t k, std::vector<Row>* rows,
                 std::string* error) {
  const std::string ks = std::to_string(k);
  const char* params[2] = {vacancy.c_str(), ks.c_str()};
  PGresult* r = PQexecPrepared(c.conn, "shortlist", 2, params, nullptr, nullptr, 0);
  if (PQresultStatus(r) != PGRES_TUPLES_OK) {
    *error = PQerrorMessage(c.conn);
    PQclear(r);
    return false;
  }
  if (rows != nullptr) {
    rows->clear();
    for (int i = 0; i < PQntuples(r); ++i) {
      rows->push_back({PQgetvalue(r, i, 0), std::strtod(PQgetvalue(r, i, 1), nullptr)});
    }
  }
  PQclear(r);
  return true;
}

bool Query(PgConn& c, const std::string& sql, std::vector<std::string>* col0,
           std::string* error) {
  PGresult* r = PQexec(c.conn, sql.c_str());
  const auto st = PQresultStatus(r);
  if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
    *error = PQerrorMessage(c.conn);
    PQclear(r);
    return false;
  }
  if (col0 != nullptr) {
    for (int i = 0; i < PQntuples(r); ++i) col0->push_back(PQgetvalue(r, i, 0));
  }
  PQclear(r);
  return true;
}

std::string Escape(const std::string& s) {
  std::string out;
  for (char ch : s) {
    if (ch == '"' || ch == '\\') out += '\\';
    if (static_cast<unsigned char>(ch) >= 0x20) out += ch;
  }
  return out;
}

int Check() {
  PgConn pg;
  std::string error;
  if (!Connect(&pg, &error)) return Fail(error);
  std::vector<std::string> ids;
  if (!Query(pg, "SELECT setseed(0.42)", nullptr, &error) ||
      !Query(pg,
             absl::StrCat("SELECT id FROM vacancies WHERE status = 1 AND (expires_at IS NULL "
                          "OR expires_at >= (now() AT TIME ZONE 'UTC')::date) "
                          "ORDER BY random() LIMIT ",
                          absl::GetFlag(FLAGS_sample)),
             &ids, &error)) {
    return Fail(error);
  }
  const char* token = std::getenv("W2W_TOKEN");  // The bench scripts export the server's admin token.
  auto channel = w2w::clients::CreateBearerChannel(absl::GetFlag(FLAGS_target), grpc::InsecureChannelCredentials(),
                                                   grpc::ChannelArguments(), token != nullptr ? token : "");
  auto stub = w2w::v1::MatchService::NewStub(channel);
  const uint32_t k = absl::GetFlag(FLAGS_k);
  int identical = 0, tie_only = 0, differing = 0, errors = 0, shortlist_misses = 0;
  std::vector<std::string> diffs;
  for (const std::string& id : ids) {
    std::vector<Row> theirs;
    if (!PgShortlist(pg, id, k, &theirs, &error)) return Fail(error);
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    w2w::v1::ShortlistRequest req;
    req.set_vacancy_id(id);
    req.set_k(k);
    w2w::v1::ShortlistResponse resp;
    grpc::Status status = stub->Shortlist(&ctx, req, &resp);
    if (!status.ok()) {
      ++errors;
      diffs.push_back(absl::StrFormat(
          "{\"vacancy\": \"%s\", \"reason\": \"w2w error %d: %s\"}", Escape(id),
          status.error_code(), Escape(status.error_message())));
      continue;
    }
    std::vector<Row> ours;
    for (const auto& m : resp.matches()) ours.push_back({m.candidate_id(), m.score()});
    bool same = ours.size() == theirs.size();
    for (size_t i = 0; same && i < ours.size(); ++i) {
      same = ours[i].id == theirs[i].id && std::abs(ours[i].score - theirs[i].score) < 2e-6;
    }
    if (same) {
      ++identical;
      continue;
    }
    // Differences only in the order of (near-)equal scores, or a different member at the
    // cut-off with the same score, come from rounding to 6 decimals.
    bool scores_agree = ours.size() == theirs.size();
    for (size_t i = 0; scores_agree && i < ours.size(); ++i) {
      scores_agree = std::abs(ours[i].score - theirs[i].score) < 2e-6;
    }
    std::vector<std::string> positions;
    for (size_t i = 0; i < std::max(ours.size(), theirs.size()); ++i) {
      const std::string a = i < ours.size()
                                ? absl::StrFormat("%s %.6f", Escape(ours[i].id), ours[i].score)
                                : "-";
      const std::string b =
          i < theirs.size() ? absl::StrFormat("%s %.6f", Escape(theirs[i].id), theirs[i].score)
                            : "-";
      if (a != b) positions.push_back(absl::StrFormat("{\"rank\": %d, \"w2w\": \"%s\", \"pg\": \"%s\"}", i + 1, a, b));
    }
    // Why: ask w2w's own ExplainMatch about every pair only one side returned.
    std::vector<std::string> explained;
    auto in = [](const std::vector<Row>& rows, const std::string& cand) {
      for (const Row& r : rows) {
        if (r.id == cand) return true;
      }
      return false;
    };
    // Returns true when w2w's ExplainMatch gives the pair exactly the score `row` has.
    auto explain = [&](const Row& row, const char* side) {
      grpc::ClientContext ectx;
      ectx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
      w2w::v1::ExplainMatchRequest ereq;
      ereq.set_candidate_id(row.id);
      ereq.set_vacancy_id(id);
      w2w::v1::ExplainMatchResponse eresp;
      const grpc::Status es = stub->ExplainMatch(&ectx, ereq, &eresp);
      std::string why;
      if (!es.ok()) {
        why = absl::StrCat("ExplainMatch failed: ", es.error_message());
      } else if (eresp.excluded()) {
        why = absl::StrCat("w2w ExplainMatch excludes it (", eresp.exclusion_reason(), ")");
      } else if (std::abs(eresp.score() - row.score) < 2e-6) {
        why = absl::StrFormat("w2w ExplainMatch scores it %.6f like %s", eresp.score(), side);
      } else {
        why = absl::StrFormat("w2w ExplainMatch scores it %.6f, %s %.6f", eresp.score(), side,
                              row.score);
      }
      explained.push_back(absl::StrFormat("{\"candidate\": \"%s\", \"only_in\": \"%s\", \"why\": \"%s\"}",
                                          Escape(row.id), side, Escape(why)));
      return es.ok() && !eresp.excluded() && std::abs(eresp.score() - row.score) < 2e-6;
    };
    // Pairs above the cut-off of the other side's list are real disagreements; a pair at
    // or below the other side's k-th score may just have lost a tie there.
    // A pair PostgreSQL ranks above w2w's k-th score, that w2w's own ExplainMatch scores
    // the same, but that w2w's Shortlist left out: the Shortlist missed it.
    bool w2w_missed = false;
    for (const Row& r : theirs) {
      if (in(ours, r.id)) continue;
      const bool agreed = explain(r, "pg");
      const bool above_cut =
          ours.size() < k || r.score > ours.back().score + 2e-6;
      if (agreed && above_cut) w2w_missed = true;
    }
    for (const Row& r : ours) {
      if (!in(theirs, r.id)) explain(r, "w2w");
    }
    if (scores_agree) {
      ++tie_only;
    } else {
      ++differing;
      if (w2w_missed) ++shortlist_misses;
    }
    diffs.push_back(absl::StrFormat(
        "{\"vacancy\": \"%s\", \"reason\": \"%s\", \"only_one_side\": [%s], "
        "\"positions\": [%s]}",
        Escape(id),
        scores_agree ? "equal scores (to 2e-6) in another order: a tie at the 6th decimal"
        : w2w_missed ? "w2w Shortlist left out a pair that its own ExplainMatch scores as "
                       "PostgreSQL does, above the k-th score: a Shortlist (index) miss"
                     : "score differs",
        absl::StrJoin(explained, ", "), absl::StrJoin(positions, ", ")));
  }
  const std::string json = absl::StrFormat(
      "{\"mode\": \"check\", \"k\": %d, \"sampled\": %d, \"identical\": %d, "
      "\"tie_order_only\": %d, \"differing\": %d, \"w2w_shortlist_misses\": %d, "
      "\"w2w_errors\": %d,\n \"differences\": [%s]}\n",
      k, ids.size(), identical, tie_only, differing, shortlist_misses, errors,
      absl::StrJoin(diffs, ",\n  "));
  std::cout << json;
  if (!absl::GetFlag(FLAGS_out).empty()) std::ofstream(absl::GetFlag(FLAGS_out)) << json;
  return differing == 0 && errors == 0 ? 0 : 3;
}

int Bench() {
  const int n = std::max(1, absl::GetFlag(FLAGS_concurrency));
  std::vector<std::string> ids;
  {
    PgConn pg;
    std::string error;
    if (!Connect(&pg, &error)) return Fail(error);
    if (!Query(pg, "SELECT id FROM vacancies WHERE status = 1", &ids, &error)) {
      return Fail(error);
    }
  }
  if (ids.empty()) return Fail("no open vacancies");
  const auto start = Clock::now();
  const auto warm = start + std::chrono::milliseconds(
                                static_cast<int64_t>(absl::GetFlag(FLAGS_warmup_s) * 1000));
  const auto end = warm + std::chrono::milliseconds(
                              static_cast<int64_t>(absl::GetFlag(FLAGS_duration_s) * 1000));
  const uint64_t max_requests = absl::GetFlag(FLAGS_requests);
  std::atomic<uint64_t> taken{0};
  std::vector<w2w::bench::Histogram> hist(n);
  std::vector<uint64_t> errors(n, 0);
  std::vector<Clock::time_point> last(n, warm);
  std::vector<std::string> failures(n);
  std::vector<std::thread> threads;
  const uint32_t k = absl::GetFlag(FLAGS_k);
  for (int t = 0; t < n; ++t) {
    threads.emplace_back([&, t] {
      PgConn pg;
      if (!Connect(&pg, &failures[t])) return;
      std::mt19937_64 rng(1000 + t);
      std::string error;
      while (Clock::now() < end &&
             (max_requests == 0 || taken.fetch_add(1) < max_requests)) {
        const auto s = Clock::now();
        const bool ok = PgShortlist(pg, ids[rng() % ids.size()], k, nullptr, &error);
        const auto e = Clock::now();
        if (s >= warm) {
          hist[t].Record(std::chrono::duration_cast<std::chrono::nanoseconds>(e - s).count());
          if (!ok) ++errors[t];
          last[t] = e;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  for (const auto& f : failures) {
    if (!f.empty()) return Fail(f);
  }
  w2w::bench::Histogram all;
  uint64_t errs = 0;
  auto last_done = warm;
  for (int t = 0; t < n; ++t) {
    all.Merge(hist[t]);
    errs += errors[t];
    last_done = std::max(last_done, last[t]);
  }
  const double secs = std::chrono::duration<double>(last_done - warm).count();
  auto us = [](int64_t ns) { return static_cast<double>(ns) / 1000.0; };
  const std::string json = absl::StrFormat(
      "{\"workload\": \"pg_shortlist\", \"mode\": \"closed\", \"concurrency\": %d, "
      "\"duration_s\": %.3f, \"calls\": %u, \"errors\": %u, \"throughput_per_s\": %.2f, "
      "\"latency_us\": {\"mean\": %.1f, \"min\": %.1f, \"p50\": %.1f, \"p90\": %.1f, "
      "\"p99\": %.1f, \"p999\": %.1f, \"max\": %.1f}}\n",
      n, secs, all.count(), errs, secs > 0 ? all.count() / secs : 0, all.mean() / 1000.0,
      us(all.min()), us(all.Quantile(0.5)), us(all.Quantile(0.9)), us(all.Quantile(0.99)),
      us(all.Quantile(0.999)), us(all.max()));
  std::cout << json;
  if (!absl::GetFlag(FLAGS_out).empty()) std::ofstream(absl::GetFlag(FLAGS_out)) << json;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const std::string mode = absl::GetFlag(FLAGS_mode);
  if (mode == "check") return Check();
  if (mode == "bench") return Bench();
  return Fail("--mode must be check or bench");
}
