// Rematch runs through the real Engine (RocksDB in a temporary folder, taxonomy from data/,
// the real matcher): the bankruptcy of a metal company in Twente checked the way a coach
// would, the group mode against independent best choices and a greedy pass, cancellation,
// runs as records (Get/List), and a run interrupted by a restart reading back INCOMPLETE.
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "engine/engine.h"
#include "engine/rematch/run_store.h"
#include "engine/storage/store.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace w2w {
namespace {

constexpr char kWelder[] = "7212.3";        // ESCO welder (lasser).
constexpr char kDriller[] = "7223.1";       // ESCO boring machine operator.
constexpr char kEmployer[] = "metaalbouw-twente";

struct Outcome {
  absl::Status status;
  std::vector<v1::RematchEvent> events;
  std::string run_id;
  std::vector<v1::PersonResult> results;
  v1::RematchSummary summary;
  bool has_summary = false;
};

class RematchRunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/w2w-rematch-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    Open();
  }
  void TearDown() override {
    engine_.reset();
    std::filesystem::remove_all(dir_);
  }

  EngineOptions Options() const {
    EngineOptions o;
    o.store.path = dir_;
    o.store.disk_reserve_bytes = 0;
    o.rematch_threads = 2;
    return o;
  }
  void Open() {
    auto e = Engine::Open(Options());
    ASSERT_TRUE(e.ok()) << e.status();
    engine_ = std::move(*e);
  }

  void AddCandidate(const std::string& id, const std::string& region, v1::Sector sector,
                    const std::string& trade, uint32_t years, std::vector<std::string> quals,
                    v1::CandidateStatus status, uint32_t travel_km,
                    const std::string& employer = kEmployer) {
    v1::Candidate c;
    c.set_id(id);
    c.set_region(region);
    c.set_sector(sector);
    auto* t = c.add_trades();
    t->set_code(trade);
    t->set_years(years);
    for (auto& q : quals) c.add_qualifications(q);
    c.set_employer_id(employer);
    c.set_status(status);
    c.set_max_travel_km(travel_km);
    c.set_willing_to_retrain(true);
    auto w = engine_->UpsertCandidate(::w2w::access::Caller::System(), c);
    ASSERT_TRUE(w.ok()) << w.status();
  }

  void AddVacancy(const std::string& id, const std::string& region, v1::Sector sector,
                  const std::string& trade, std::vector<std::string> required, uint32_t positions) {
    v1::Vacancy v;
    v.set_id(id);
    v.set_employer_id("emp-" + id);
    v.set_region(region);
    v.set_sector(sector);
    v.set_trade(trade);
    for (auto& q : required) v.add_required_qualifications(q);
    v.set_positions(positions);
    v.set_title("vacature " + id);
    auto w = engine_->UpsertVacancy(::w2w::access::Caller::System(), v);
    ASSERT_TRUE(w.ok()) << w.status();
    positions_[id] = positions;
  }

  Outcome Run(const v1::StartRematchRequest& request) {
    Outcome out;
    out.status = engine_->StartRematch(::w2w::access::Caller::System(), request, [&](const v1::RematchEvent& e) {
      out.events.push_back(e);
      if (e.has_started()) out.run_id = e.started().run_id();
      if (e.has_result()) out.results.push_back(e.result());
      if (e.has_summary()) {
        out.summary = e.summary();
        out.has_summary = true;
      }
      return true;
    });
    return out;
  }

  static v1::StartRematchRequest EmployerRequest(v1::RematchMode mode, uint32_t k = 5) {
    v1::StartRematchRequest r;
    r.mutable_selection()->set_employer_id(kEmployer);
    r.mutable_options()->set_k(k);
    r.mutable_options()->set_mode(mode);
    r.mutable_options()->set_label("Faillissement Metaalbouw Twente BV");
    return r;
  }

  // The bankruptcy world: 300 people of one metal company in Twente (15 of them placed or
  // unavailable), 20 people of other employers, about 130 vacancies in Twente and the
  // neighbouring regions with 1..3 seats, some closed, some needing a welding certificate.
  void BuildBankruptcy() {
    for (int i = 0; i < 300; ++i) {
      const bool welder = i % 5 < 3;
      std::vector<std::string> quals = {"VCA-BASIS"};
      if (welder && i % 2 == 0) quals.push_back("ISO9606-135");
      v1::CandidateStatus status = v1::CANDIDATE_STATUS_BANKRUPT_EMPLOYER;
      if (i % 30 == 7) status = v1::CANDIDATE_STATUS_PLACED;
      if (i % 60 == 13) status = v1::CANDIDATE_STATUS_UNAVAILABLE;
      AddCandidate(absl::StrCat("mt-", 1000 + i), "Twente", v1::SECTOR_ME,
                   welder ? kWelder : kDriller, i % 12, quals, status, 80);
    }
    for (int i = 0; i < 20; ++i) {
      AddCandidate(absl::StrCat("other-", i), "Twente", v1::SECTOR_ME, kWelder, 5, {"VCA-BASIS"},
                   v1::CANDIDATE_STATUS_AT_RISK, 80, "someone-else");
    }
    const char* regions[] = {"Twente", "Twente", "Achterhoek", "IJsselvechtstreek"};
    const v1::Sector sectors[] = {v1::SECTOR_ME, v1::SECTOR_BOUW, v1::SECTOR_INST, v1::SECTOR_ME};
    for (int i = 0; i < 130; ++i) {
      std::vector<std::string> required;
      if (i % 3 == 0) required.push_back("ISO9606-135");
      if (i % 7 == 0) required.push_back("VCA-VOL");
      AddVacancy(absl::StrCat("v-", 500 + i), regions[i % 4], sectors[(i / 4) % 4],
                 i % 2 == 0 ? kWelder : kDriller, required, 1 + i % 3);
    }
    // Excellent matches that are no longer open.
    for (int i = 0; i < 10; ++i) {
      const std::string id = absl::StrCat("closed-", i);
      AddVacancy(id, "Twente", v1::SECTOR_ME, i % 2 ? kDriller : kWelder, {}, 3);
      v1::CloseVacancyRequest close;
      close.set_id(id);
      close.set_status(i % 2 ? v1::VACANCY_STATUS_FILLED : v1::VACANCY_STATUS_CLOSED);
      auto closed = engine_->CloseVacancy(::w2w::access::Caller::System(), close);
      ASSERT_TRUE(closed.ok()) << closed.status();
      closed_.insert(id);
    }
  }

  // What a coach checks on any finished run.
  void CheckCoachProperties(const Outcome& out, bool group) {
    ASSERT_TRUE(out.status.ok()) << out.status;
    ASSERT_TRUE(out.has_summary);
    const v1::RematchSummary& s = out.summary;
    EXPECT_EQ(s.selected(), 300u);
    EXPECT_EQ(s.skipped(), 15u);  // 10 placed, 5 unavailable.
    ASSERT_EQ(out.results.size(), s.selected() - s.skipped());
    EXPECT_EQ(s.placeable_now() + s.placeable_after_retraining() + s.not_placeable(),
              s.selected() - s.skipped());

    // Events: started first, summary last, progress in between, in order.
    ASSERT_FALSE(out.events.empty());
    EXPECT_TRUE(out.events.front().has_started());
    EXPECT_TRUE(out.events.back().has_summary());
    EXPECT_EQ(out.events.front().started().state(), v1::REMATCH_STATE_RUNNING);

    // Recompute the summary from the per-person results.
    uint64_t now = 0, later = 0, none = 0, moves = 0;
    double total = 0;
    std::map<std::pair<std::string, int>, uint64_t> dest;
    std::map<std::string, uint64_t> demand_people;
    std::map<std::string, std::set<std::string>> demand_vacancies;
    absl::flat_hash_map<std::string, int> seats_used;
    std::set<std::string> people;
    for (const v1::PersonResult& r : out.results) {
      EXPECT_TRUE(people.insert(r.candidate_id()).second) << "duplicate " << r.candidate_id();
      for (const auto& alt : r.alternatives()) {
        EXPECT_FALSE(closed_.contains(alt.vacancy_id())) << "closed vacancy offered";
        EXPECT_NE(alt.vacancy_id(), r.assigned().vacancy_id());
      }
      EXPECT_LE(r.alternatives_size(), 5);
      if (!r.has_assigned()) {
        EXPECT_EQ(r.placement(), v1::PLACEMENT_NOT_PLACEABLE);
        EXPECT_FALSE(r.reason().empty());
        ++none;
        continue;
      }
      const v1::VacancyMatch& a = r.assigned();
      EXPECT_FALSE(closed_.contains(a.vacancy_id())) << "placed in a closed vacancy";
      ++seats_used[a.vacancy_id()];
      total += a.score();
      ++dest[{a.region(), a.sector()}];
      if (a.sector() != v1::SECTOR_ME) ++moves;
      bool retrain = false;
      for (const auto& step : a.explanation().missing()) {
        if (!step.required()) continue;
        retrain = true;
        ++demand_people[step.qualification()];
        demand_vacancies[step.qualification()].insert(a.vacancy_id());
        for (const auto& alt : r.alternatives()) {
          for (const auto& s2 : alt.explanation().missing()) {
            if (s2.required() && s2.qualification() == step.qualification()) {
              demand_vacancies[step.qualification()].insert(alt.vacancy_id());
            }
          }
        }
      }
      if (retrain) {
        EXPECT_EQ(r.placement(), v1::PLACEMENT_AFTER_RETRAINING);
        ++later;
      } else {
        EXPECT_EQ(r.placement(), v1::PLACEMENT_NOW);
        ++now;
      }
      // Options are ranked best first and the best is what independent mode assigns.
      if (!group && r.alternatives_size() > 0) {
        EXPECT_GE(a.score(), r.alternatives(0).score());
      }
    }
    EXPECT_EQ(s.placeable_now(), now);
    EXPECT_EQ(s.placeable_after_retraining(), later);
    EXPECT_EQ(s.not_placeable(), none);
    EXPECT_EQ(s.sector_moves(), moves);
    EXPECT_NEAR(s.total_score(), total, 1e-6);
    uint64_t dest_sum = 0;
    for (const auto& d : s.by_destination()) {
      EXPECT_EQ(d.people(), (dest[{d.region(), d.sector()}])) << d.region();
      dest_sum += d.people();
    }
    EXPECT_EQ(dest_sum, now + later);
    EXPECT_EQ(static_cast<size_t>(s.by_destination_size()), dest.size());
    ASSERT_EQ(static_cast<size_t>(s.retraining_demand_size()), demand_people.size());
    for (int i = 0; i < s.retraining_demand_size(); ++i) {
      const v1::RetrainingDemand& d = s.retraining_demand(i);
      EXPECT_EQ(d.rank(), static_cast<uint32_t>(i + 1));
      EXPECT_EQ(d.people(), demand_people[d.qualification()]) << d.qualification();
      EXPECT_EQ(d.vacancies(), demand_vacancies[d.qualification()].size()) << d.qualification();
      EXPECT_THAT(d.regions(), ::testing::ElementsAre("Twente"));
      EXPECT_GT(d.weeks(), 0);
      if (i > 0) {
        EXPECT_GE(s.retraining_demand(i - 1).people(), d.people());
      }
    }
    if (group) {
      for (const auto& [id, used] : seats_used) {
        EXPECT_LE(used, positions_[id]) << "seats exceeded at " << id;
      }
    }
  }

  std::string dir_;
  std::unique_ptr<Engine> engine_;
  std::map<std::string, int> positions_;
  std::set<std::string> closed_;
};

// Placed people when each takes their best choice and a vacancy's seats go first come,
// first served in candidate order (the "independent best choice without seat conflicts").
uint64_t IndependentWithoutConflicts(const std::vector<v1::PersonResult>& results,
                                     const std::map<std::string, int>& positions) {
  std::map<std::string, int> used;
  uint64_t placed = 0;
  for (const auto& r : results) {
    if (!r.has_assigned()) continue;
    if (used[r.assigned().vacancy_id()] < positions.at(r.assigned().vacancy_id())) {
      ++used[r.assigned().vacancy_id()];
      ++placed;
    }
  }
  return placed;
}

// Greedy over every (person, option) pair in the results: best pair first.
uint64_t GreedyPlaced(const std::vector<v1::PersonResult>& results,
                      const std::map<std::string, int>& positions) {
  std::vector<std::tuple<double, size_t, std::string>> pairs;
  for (size_t i = 0; i < results.size(); ++i) {
    if (results[i].has_assigned()) pairs.emplace_back(-results[i].assigned().score(), i, results[i].assigned().vacancy_id());
    for (const auto& a : results[i].alternatives()) pairs.emplace_back(-a.score(), i, a.vacancy_id());
  }
  std::sort(pairs.begin(), pairs.end());
  std::set<size_t> placed;
  std::map<std::string, int> used;
  for (const auto& [neg, person, vacancy] : pairs) {
    if (placed.contains(person) || used[vacancy] >= positions.at(vacancy)) continue;
    ++used[vacancy];
    placed.insert(person);
  }
  return placed.size();
}

TEST_F(RematchRunTest, BankruptcyIndependentAndGroup) {
  BuildBankruptcy();
  const Outcome independent = Run(EmployerRequest(v1::REMATCH_MODE_INDEPENDENT));
  CheckCoachProperties(independent, /*group=*/false);
  const Outcome group = Run(EmployerRequest(v1::REMATCH_MODE_GROUP));
  CheckCoachProperties(group, /*group=*/true);
  EXPECT_TRUE(group.summary.exact());

  const uint64_t group_placed = group.summary.placeable_now() + group.summary.placeable_after_retraining();
  const uint64_t indep_placed =
      independent.summary.placeable_now() + independent.summary.placeable_after_retraining();
  // Independent mode ignores seats: more "placeable" people than seats can exist.
  EXPECT_GE(indep_placed, group_placed);
  EXPECT_GE(group_placed, IndependentWithoutConflicts(independent.results, positions_));
  EXPECT_GE(group_placed, GreedyPlaced(group.results, positions_));
  int seats = 0;
  for (const auto& [id, p] : positions_) seats += closed_.contains(id) ? 0 : p;
  EXPECT_LE(group_placed, static_cast<uint64_t>(seats));
  EXPECT_GT(group_placed, 100u);  // The world is built so that most can be placed.
  EXPECT_GT(group.summary.sector_moves(), 0u);
  EXPECT_GT(group.summary.retraining_demand_size(), 0);

  // The stream's progress events carry done/total and the phases.
  std::set<std::string> phases;
  for (const auto& e : group.events) {
    if (e.has_progress()) {
      phases.insert(e.progress().phase());
      EXPECT_LE(e.progress().done(), e.progress().total());
    }
  }
  EXPECT_TRUE(phases.contains("scoring"));
  EXPECT_TRUE(phases.contains("summarising"));

  // A rematch changes no record.
  auto v = engine_->GetVacancy(::w2w::access::Caller::System(), "v-500");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->version(), 1u);
  auto c = engine_->GetCandidate(::w2w::access::Caller::System(), "mt-1000");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->version(), 1u);
  EXPECT_EQ(c->status(), v1::CANDIDATE_STATUS_BANKRUPT_EMPLOYER);

  // Runs are records: Get returns the finished run with the same results.
  v1::GetRematchRequest get;
  get.set_run_id(group.run_id);
  get.set_include_results(true);
  auto run = engine_->GetRematch(::w2w::access::Caller::System(), get);
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->state(), v1::REMATCH_STATE_FINISHED);
  EXPECT_EQ(run->summary().SerializeAsString(), group.summary.SerializeAsString());
  ASSERT_EQ(static_cast<size_t>(run->results_size()), group.results.size());
  for (size_t i = 0; i < group.results.size(); ++i) {
    EXPECT_EQ(run->results(i).SerializeAsString(), group.results[i].SerializeAsString());
  }
  EXPECT_TRUE(run->next_results_page_token().empty());

  // Results in pages of 7: the pages, in order, are the results; the run repeats on each.
  get.set_results_page_size(7);
  std::vector<std::string> paged;
  size_t pages = 0;
  while (true) {
    auto page = engine_->GetRematch(::w2w::access::Caller::System(), get);
    ASSERT_TRUE(page.ok()) << page.status();
    ++pages;
    ASSERT_LE(page->results_size(), 7);
    ASSERT_GE(page->results_size(), 1);
    EXPECT_EQ(page->summary().SerializeAsString(), group.summary.SerializeAsString());
    for (const v1::PersonResult& r : page->results()) paged.push_back(r.SerializeAsString());
    if (page->next_results_page_token().empty()) break;
    get.set_results_page_token(page->next_results_page_token());
  }
  EXPECT_EQ(pages, (group.results.size() + 6) / 7);
  ASSERT_EQ(paged.size(), group.results.size());
  for (size_t i = 0; i < paged.size(); ++i) {
    EXPECT_EQ(paged[i], group.results[i].SerializeAsString()) << i;
  }
  // Refused paging requests name the field.
  v1::GetRematchRequest bad = get;
  bad.set_results_page_token("garbage");
  EXPECT_THAT(engine_->GetRematch(::w2w::access::Caller::System(), bad).status().message(), ::testing::HasSubstr("results_page_token"));
  bad.set_results_page_token("");
  bad.set_results_page_size(1001);
  EXPECT_THAT(engine_->GetRematch(::w2w::access::Caller::System(), bad).status().message(), ::testing::HasSubstr("results_page_size"));
  bad.set_results_page_size(0);
  bad.set_run_id("");
  EXPECT_EQ(engine_->GetRematch(::w2w::access::Caller::System(), bad).status().code(), absl::StatusCode::kInvalidArgument);
  v1::ListRematchesRequest bad_list;
  bad_list.set_page_token("garbage");
  EXPECT_EQ(engine_->ListRematches(::w2w::access::Caller::System(), bad_list).status().code(),
            absl::StatusCode::kInvalidArgument);

  EXPECT_EQ(run->options().mode(), v1::REMATCH_MODE_GROUP);
  EXPECT_EQ(run->selection().employer_id(), kEmployer);
  EXPECT_GE(run->policy_version(), 1u);
  EXPECT_FALSE(run->finished_at().empty());

  // List: newest first, without results; paging.
  v1::ListRematchesRequest list;
  list.set_page_size(1);
  auto page1 = engine_->ListRematches(::w2w::access::Caller::System(), list);
  ASSERT_TRUE(page1.ok()) << page1.status();
  ASSERT_EQ(page1->runs_size(), 1);
  EXPECT_EQ(page1->runs(0).run_id(), group.run_id);
  EXPECT_EQ(page1->runs(0).results_size(), 0);
  list.set_page_token(page1->next_page_token());
  auto page2 = engine_->ListRematches(::w2w::access::Caller::System(), list);
  ASSERT_TRUE(page2.ok());
  ASSERT_EQ(page2->runs_size(), 1);
  EXPECT_EQ(page2->runs(0).run_id(), independent.run_id);
  EXPECT_TRUE(page2->next_page_token().empty());
}

TEST_F(RematchRunTest, GroupBeatsGreedyOnATrap) {
  // A (experienced, travels far) scores best at X but can also take Y in the next region;
  // B (novice, stays in Twente) can only take X. Greedy gives X to A and leaves B out.
  AddCandidate("a", "Twente", v1::SECTOR_ME, kWelder, 12, {"VCA-BASIS"},
               v1::CANDIDATE_STATUS_BANKRUPT_EMPLOYER, 120);
  AddCandidate("b", "Twente", v1::SECTOR_ME, kWelder, 0, {"VCA-BASIS"},
               v1::CANDIDATE_STATUS_BANKRUPT_EMPLOYER, 5);
  AddVacancy("x", "Twente", v1::SECTOR_ME, kWelder, {}, 1);
  AddVacancy("y", "Achterhoek", v1::SECTOR_ME, kWelder, {}, 1);
  v1::StartRematchRequest request;
  for (const char* id : {"a", "b", "nobody"}) request.mutable_selection()->mutable_candidate_ids()->add_ids(id);
  request.mutable_options()->set_mode(v1::REMATCH_MODE_GROUP);
  const Outcome out = Run(request);
  ASSERT_TRUE(out.status.ok()) << out.status;
  ASSERT_EQ(out.results.size(), 3u);
  EXPECT_EQ(out.results[0].assigned().vacancy_id(), "y");
  EXPECT_EQ(out.results[1].assigned().vacancy_id(), "x");
  EXPECT_EQ(out.results[2].placement(), v1::PLACEMENT_NOT_PLACEABLE);
  EXPECT_EQ(out.results[2].reason(), "unknown candidate");
  EXPECT_EQ(out.summary.selected(), 3u);
  EXPECT_EQ(out.summary.not_placeable(), 1u);
  EXPECT_EQ(GreedyPlaced(out.results, positions_), 1u);
  EXPECT_EQ(out.summary.placeable_now(), 2u);
  // The trap is real: A does score best at X.
  EXPECT_GT(out.results[0].alternatives(0).score(), out.results[1].assigned().score());

  // Independent mode sends both to X.
  request.mutable_options()->set_mode(v1::REMATCH_MODE_INDEPENDENT);
  const Outcome indep = Run(request);
  ASSERT_TRUE(indep.status.ok());
  EXPECT_EQ(indep.results[0].assigned().vacancy_id(), "x");
  EXPECT_EQ(indep.results[1].assigned().vacancy_id(), "x");
  EXPECT_EQ(IndependentWithoutConflicts(indep.results, positions_), 1u);
}

// A run's texts are in its options.language (kept with the run for GetRematch); the
// placements and scores are the same in both languages.
TEST_F(RematchRunTest, TheRunsTextsAreInItsLanguage) {
  AddCandidate("a", "Twente", v1::SECTOR_ME, kWelder, 12, {"VCA-BASIS"}, v1::CANDIDATE_STATUS_BANKRUPT_EMPLOYER, 30);
  AddCandidate("b", "Twente", v1::SECTOR_ME, kWelder, 2, {"VCA-BASIS"}, v1::CANDIDATE_STATUS_BANKRUPT_EMPLOYER, 30);
  AddVacancy("x", "Twente", v1::SECTOR_ME, kWelder, {}, 1);
  v1::StartRematchRequest request;
  for (const char* id : {"a", "b", "nobody"}) request.mutable_selection()->mutable_candidate_ids()->add_ids(id);
  request.mutable_options()->set_mode(v1::REMATCH_MODE_GROUP);
  const Outcome en = Run(request);
  request.mutable_options()->set_language(v1::LANGUAGE_NL);
  const Outcome nl = Run(request);
  ASSERT_TRUE(en.status.ok() && nl.status.ok()) << en.status << nl.status;
  ASSERT_EQ(nl.results.size(), 3u);
  ASSERT_EQ(en.results.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(nl.results[i].placement(), en.results[i].placement()) << i;
    EXPECT_EQ(nl.results[i].assigned().vacancy_id(), en.results[i].assigned().vacancy_id()) << i;
    EXPECT_EQ(nl.results[i].assigned().score(), en.results[i].assigned().score()) << i;
  }
  EXPECT_EQ(nl.results[0].assigned().vacancy_id(), "x");
  EXPECT_THAT(nl.results[0].assigned().explanation().reasons(0), ::testing::StartsWith("zelfde beroep, 12 jaar"));
  EXPECT_THAT(en.results[0].assigned().explanation().reasons(0), ::testing::StartsWith("same trade, 12 years"));
  EXPECT_EQ(nl.results[1].reason(), "geen plaats over: de plaatsen van de enige vacature binnen bereik gingen "
                                    "naar anderen in de groep");
  EXPECT_THAT(en.results[1].reason(), ::testing::StartsWith("no seat left"));
  EXPECT_EQ(nl.results[2].reason(), "onbekende kandidaat");
  EXPECT_EQ(en.results[2].reason(), "unknown candidate");

  v1::GetRematchRequest get;
  get.set_run_id(nl.run_id);
  get.set_include_results(true);
  auto stored = engine_->GetRematch(::w2w::access::Caller::System(), get);
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ(stored->options().language(), v1::LANGUAGE_NL);
  ASSERT_EQ(stored->results_size(), 3);
  EXPECT_EQ(stored->results(0).assigned().explanation().reasons(0), nl.results[0].assigned().explanation().reasons(0));
  EXPECT_EQ(stored->results(2).reason(), "onbekende kandidaat");

  request.mutable_options()->set_language(static_cast<v1::Language>(4));
  const Outcome bad = Run(request);
  EXPECT_EQ(bad.status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad.status.message()), ::testing::StartsWith("options.language: unknown language 4"));
}

// The selection cap counts what the caller may see: an employer over the cap outside a
// coach's scope answers NOT_FOUND like an unknown one (not revealed to exist), while an
// administrator is told the selection is too large.
TEST_F(RematchRunTest, AnEmployerOverTheCapOutsideACoachsScopeIsNotFound) {
  std::unique_ptr<Importer> importer = engine_->NewCandidateImporter(::w2w::access::Caller::System());
  for (int i = 0; i <= 20'000; ++i) {
    v1::Candidate c;
    c.set_id(absl::StrCat("big-", i));
    c.set_region("Twente");
    c.set_sector(v1::SECTOR_ME);
    auto* t = c.add_trades();
    t->set_code(kWelder);
    t->set_years(3);
    c.set_employer_id("huge-employer");
    c.set_status(v1::CANDIDATE_STATUS_AT_RISK);
    c.set_max_travel_km(10);
    ASSERT_TRUE(importer->Add(std::move(c)).ok());
  }
  ASSERT_TRUE(importer->Finish().ok());
  v1::StartRematchRequest r = EmployerRequest(v1::REMATCH_MODE_INDEPENDENT);
  r.mutable_selection()->set_employer_id("huge-employer");

  ::w2w::access::Caller coach;
  coach.token.set_id("tok-coach-amsterdam");
  coach.token.set_name("coach-amsterdam");
  coach.token.set_role(v1::ROLE_COACH);
  coach.token.mutable_scope()->add_regions("Groot Amsterdam");
  absl::Status as_coach = engine_->StartRematch(coach, r, [](const v1::RematchEvent&) { return true; });
  EXPECT_EQ(as_coach.code(), absl::StatusCode::kNotFound) << as_coach;
  EXPECT_THAT(std::string(as_coach.message()), ::testing::HasSubstr("no candidates of employer"));

  Outcome as_admin = Run(r);
  EXPECT_EQ(as_admin.status.code(), absl::StatusCode::kResourceExhausted) << as_admin.status;
  EXPECT_THAT(std::string(as_admin.status.message()), ::testing::HasSubstr("more than 20000"));
}

TEST_F(RematchRunTest, RejectsBadRequests) {
  BuildBankruptcy();
  v1::StartRematchRequest r = EmployerRequest(v1::REMATCH_MODE_GROUP);
  r.mutable_options()->set_k(51);
  EXPECT_EQ(Run(r).status.code(), absl::StatusCode::kInvalidArgument);
  r = EmployerRequest(v1::REMATCH_MODE_GROUP);
  r.mutable_options()->set_min_score(1.5);
  EXPECT_EQ(Run(r).status.code(), absl::StatusCode::kInvalidArgument);
  r.clear_selection();
  r.mutable_options()->set_min_score(0);
  EXPECT_EQ(Run(r).status.code(), absl::StatusCode::kInvalidArgument);
  r.mutable_selection()->set_employer_id("no-such-employer");
  EXPECT_EQ(Run(r).status.code(), absl::StatusCode::kNotFound);
  r.mutable_selection()->mutable_filter()->add_regions("Atlantis");
  Outcome bad = Run(r);
  EXPECT_EQ(bad.status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad.status.message()), ::testing::HasSubstr("selection.filter.regions[0]"));
  // Nothing was recorded for refused requests.
  auto list = engine_->ListRematches(::w2w::access::Caller::System(), {});
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->runs_size(), 0);

  v1::GetRematchRequest get;
  get.set_run_id("r-nope");
  EXPECT_EQ(engine_->GetRematch(::w2w::access::Caller::System(), get).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(engine_->CancelRematch(::w2w::access::Caller::System(), "r-nope").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(RematchRunTest, FilterSelection) {
  BuildBankruptcy();
  v1::StartRematchRequest r;
  r.mutable_selection()->mutable_filter()->add_regions("twente");
  r.mutable_selection()->mutable_filter()->add_statuses(v1::CANDIDATE_STATUS_AT_RISK);
  const Outcome out = Run(r);
  ASSERT_TRUE(out.status.ok()) << out.status;
  EXPECT_EQ(out.summary.selected(), 20u);  // The "other-" people.
  for (const auto& p : out.results) {
    EXPECT_THAT(p.candidate_id(), ::testing::StartsWith("other-"));
  }
}

TEST_F(RematchRunTest, SinkReturningFalseCancels) {
  BuildBankruptcy();
  int results = 0;
  std::string run_id;
  absl::Status s = engine_->StartRematch(::w2w::access::Caller::System(), EmployerRequest(v1::REMATCH_MODE_GROUP),
                                         [&](const v1::RematchEvent& e) {
                                           if (e.has_started()) run_id = e.started().run_id();
                                           if (e.has_result()) ++results;
                                           return results < 3;
                                         });
  EXPECT_EQ(s.code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(results, 3);
  v1::GetRematchRequest get;
  get.set_run_id(run_id);
  auto run = engine_->GetRematch(::w2w::access::Caller::System(), get);
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->state(), v1::REMATCH_STATE_CANCELLED);
  EXPECT_FALSE(run->has_summary());
  // Cancelling a cancelled run is idempotent.
  auto again = engine_->CancelRematch(::w2w::access::Caller::System(), run_id);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->state(), v1::REMATCH_STATE_CANCELLED);
}

TEST_F(RematchRunTest, CancelRematchStopsARunningRun) {
  BuildBankruptcy();
  std::thread canceller;
  absl::Notification cancel_returned;
  absl::StatusOr<v1::RematchRun> cancelled = absl::UnknownError("not called");
  std::vector<v1::RematchEvent> events;
  absl::Status s = engine_->StartRematch(::w2w::access::Caller::System(), 
      EmployerRequest(v1::REMATCH_MODE_INDEPENDENT), [&](const v1::RematchEvent& e) {
        events.push_back(e);
        if (e.has_started()) {
          const std::string id = e.started().run_id();
          canceller = std::thread([&, id] {
            cancelled = engine_->CancelRematch(::w2w::access::Caller::System(), id);
            cancel_returned.Notify();
          });
          // Give the canceller time to raise the flag before the run goes on.
          absl::SleepFor(absl::Milliseconds(300));
        }
        return true;
      });
  canceller.join();
  EXPECT_EQ(s.code(), absl::StatusCode::kCancelled);
  ASSERT_TRUE(cancelled.ok()) << cancelled.status();
  EXPECT_EQ(cancelled->state(), v1::REMATCH_STATE_CANCELLED);
  for (const auto& e : events) {
    EXPECT_FALSE(e.has_summary());
  }
  // A finished run cannot be cancelled.
  const Outcome done = Run(EmployerRequest(v1::REMATCH_MODE_INDEPENDENT));
  ASSERT_TRUE(done.status.ok());
  EXPECT_EQ(engine_->CancelRematch(::w2w::access::Caller::System(), done.run_id).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(RematchRunTest, RunInterruptedByARestartIsIncomplete) {
  BuildBankruptcy();
  const Outcome finished = Run(EmployerRequest(v1::REMATCH_MODE_GROUP));
  ASSERT_TRUE(finished.status.ok());
  engine_.reset();

  // What a process killed mid-run leaves behind: a RUNNING record and some results.
  const std::string interrupted = rematch::NewRunId(absl::Now() + absl::Seconds(1), 0xabc);
  {
    auto store = storage::Store::Open(Options().store);
    ASSERT_TRUE(store.ok()) << store.status();
    v1::RematchRun run;
    run.set_run_id(interrupted);
    run.set_state(v1::REMATCH_STATE_RUNNING);
    run.mutable_selection()->set_employer_id(kEmployer);
    run.mutable_progress()->set_done(10);
    run.mutable_progress()->set_total(285);
    v1::PersonResult r;
    r.set_candidate_id("mt-1000");
    r.set_placement(v1::PLACEMENT_NOW);
    ASSERT_TRUE(rematch::PutResults(**store, interrupted, 0, {r}, &run).ok());
  }
  Open();
  v1::GetRematchRequest get;
  get.set_run_id(interrupted);
  get.set_include_results(true);
  auto run = engine_->GetRematch(::w2w::access::Caller::System(), get);
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->state(), v1::REMATCH_STATE_INCOMPLETE);
  EXPECT_FALSE(run->has_summary());
  EXPECT_EQ(run->results_size(), 1);
  EXPECT_EQ(engine_->CancelRematch(::w2w::access::Caller::System(), interrupted).status().code(),
            absl::StatusCode::kFailedPrecondition);

  get.set_run_id(finished.run_id);
  run = engine_->GetRematch(::w2w::access::Caller::System(), get);
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->state(), v1::REMATCH_STATE_FINISHED);
  EXPECT_EQ(static_cast<size_t>(run->results_size()), finished.results.size());

  auto list = engine_->ListRematches(::w2w::access::Caller::System(), {});
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->runs_size(), 2);
  EXPECT_EQ(list->runs(0).run_id(), interrupted);
  EXPECT_EQ(list->runs(0).state(), v1::REMATCH_STATE_INCOMPLETE);
}

TEST_F(RematchRunTest, ResultPagesStayWithinTheByteBound) {
  // 30 stored results of ~300 KB each (as a run with k = 50 over long explanations can
  // make): a page holds at most ~2 MiB of them, however many people were asked for.
  engine_.reset();
  const std::string run_id = rematch::NewRunId(absl::Now(), 0x123);
  constexpr int kPeople = 30;
  {
    auto store = storage::Store::Open(Options().store);
    ASSERT_TRUE(store.ok()) << store.status();
    v1::RematchRun run;
    run.set_run_id(run_id);
    run.set_state(v1::REMATCH_STATE_FINISHED);
    run.mutable_selection()->set_employer_id(kEmployer);
    std::vector<v1::PersonResult> results(kPeople);
    for (int i = 0; i < kPeople; ++i) {
      results[i].set_candidate_id(absl::StrCat("big-", i));
      for (int a = 0; a < 50; ++a) {
        v1::VacancyMatch* m = results[i].add_alternatives();
        m->set_vacancy_id(absl::StrCat("v-", a));
        m->mutable_explanation()->add_reasons(std::string(6000, 'x'));
      }
    }
    ASSERT_TRUE(rematch::PutResults(**store, run_id, 0, results, &run).ok());
  }
  Open();
  v1::GetRematchRequest get;
  get.set_run_id(run_id);
  get.set_include_results(true);
  get.set_results_page_size(1000);
  int seen = 0, pages = 0;
  while (true) {
    auto page = engine_->GetRematch(::w2w::access::Caller::System(), get);
    ASSERT_TRUE(page.ok()) << page.status();
    ++pages;
    EXPECT_LE(page->ByteSizeLong(), (2u << 20) + (1u << 20)) << "page " << pages;
    for (const v1::PersonResult& r : page->results()) {
      EXPECT_EQ(r.candidate_id(), absl::StrCat("big-", seen++));
    }
    if (page->next_results_page_token().empty()) break;
    get.set_results_page_token(page->next_results_page_token());
  }
  EXPECT_EQ(seen, kPeople);
  EXPECT_GE(pages, 4);  // 30 x ~300 KB = ~9 MB in pages of ~2 MiB.
}

TEST(RunIdTest, SortsByTime) {
  const absl::Time t = absl::FromUnixSeconds(1'800'000'000);
  const std::string a = rematch::NewRunId(t, 0xffffff);
  const std::string b = rematch::NewRunId(t + absl::Milliseconds(1), 0);
  EXPECT_LT(a, b);
  EXPECT_THAT(a, ::testing::MatchesRegex("r-[0-9]{17}-[0-9a-f]{6}"));
}

}  // namespace
}  // namespace w2w
