// Watch streams in the engine (Engine::Watch, engine/watch): the subscription's queue
// (falling behind, ending, wake-ups), resume tokens, and the hub against a real Engine:
// the first messages, entries and exits of a top k, a candidate's new best vacancy, many
// watchers of one vacancy sharing its subject, concurrent writers while watchers come and
// go. A unit test, so that CI runs it under ASan and UBSan too.
#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "engine/access/caller.h"
#include "engine/watch/hub.h"
#include "engine/watch/subscription.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/engine/engine_test_fixture.h"

namespace w2w {
namespace {

using ::testing::HasSubstr;
using testing_engine::MakeCandidate;
using testing_engine::MakeVacancy;

v1::WatchEvent Event(const std::string& candidate) {
  v1::WatchEvent e;
  e.set_kind(v1::WatchEvent::ENTERED_TOP_K);
  e.set_candidate_id(candidate);
  e.set_resume_token("w1.1." + candidate + ".0");
  return e;
}

TEST(SubscriptionTest, QueuesInOrderAndWakesAReaderThatFoundNothing) {
  std::atomic<int> wakes{0};
  watch::Subscription sub(1, 10, 3, [&] { wakes.fetch_add(1); });
  EXPECT_FALSE(sub.Next().has_value());  // The reader waits now.
  sub.Push(Event("1"));
  sub.Push(Event("2"));
  sub.WakeIfWaiting();
  sub.WakeIfWaiting();  // Once per wait.
  EXPECT_EQ(wakes.load(), 1);
  for (int i = 3; i <= 5; ++i) sub.Push(Event(std::to_string(i)));
  std::optional<v1::WatchResponse> first = sub.Next();
  ASSERT_TRUE(first.has_value());
  ASSERT_EQ(first->events_size(), 3);  // At most 3 a message.
  EXPECT_EQ(first->events(0).candidate_id(), "1");
  std::optional<v1::WatchResponse> second = sub.Next();
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->events_size(), 2);
  EXPECT_FALSE(sub.Next().has_value());
  EXPECT_TRUE(sub.Ended().ok());
}

TEST(SubscriptionTest, AWatcherOverItsLimitIsToldItFellBehindWithTheLastTokenItRead) {
  watch::Subscription sub(1, 2, 100, nullptr);
  sub.Push(Event("1"));
  ASSERT_TRUE(sub.Next().has_value());  // Read: its token is the last read.
  sub.Push(Event("2"));
  sub.Push(Event("3"));
  sub.Push(Event("4"));  // Over the limit of 2: missed.
  sub.Push(Event("5"));
  EXPECT_TRUE(sub.finished());
  std::optional<v1::WatchResponse> queued = sub.Next();
  ASSERT_TRUE(queued.has_value());
  EXPECT_EQ(queued->events_size(), 2);
  std::optional<v1::WatchResponse> notice = sub.Next();
  ASSERT_TRUE(notice.has_value());
  EXPECT_EQ(notice->notice().kind(), v1::WatchNotice::FELL_BEHIND);
  EXPECT_EQ(notice->notice().missed(), 2u);
  EXPECT_EQ(notice->notice().resume_token(), "w1.1.3.0");
  EXPECT_FALSE(sub.Next().has_value());
  EXPECT_EQ(sub.Ended().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(sub.Ended().message()), HasSubstr("w1.1.3.0"));
}

TEST(SubscriptionTest, EndComesAfterTheQueueAndNoWakeAfterDetach) {
  std::atomic<int> wakes{0};
  watch::Subscription sub(1, 10, 10, [&] { wakes.fetch_add(1); });
  sub.Push(Event("1"));
  sub.End(absl::UnavailableError("shutting down"));
  sub.Push(Event("2"));  // Ignored after the end.
  std::optional<v1::WatchResponse> r = sub.Next();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->events_size(), 1);
  EXPECT_FALSE(sub.Next().has_value());
  EXPECT_EQ(sub.Ended().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(sub.Ended().message()), HasSubstr("resume_token 'w1.1.1.0'"));
  watch::Subscription other(2, 10, 10, [&] { wakes.fetch_add(1); });
  EXPECT_FALSE(other.Next().has_value());
  other.Detach();
  other.Push(Event("1"));
  other.WakeIfWaiting();
  EXPECT_EQ(wakes.load(), 0);
}

TEST(ResumeTokenTest, ParsesItsOwnFormatOnly) {
  absl::StatusOr<watch::ResumePoint> p = watch::Hub::ParseResumeToken("w1.ff.12.3");
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->epoch, 255u);
  EXPECT_EQ(p->seq, 12u);
  EXPECT_EQ(p->start, 3u);
  for (const char* bad : {"", "w1.", "w1.zz.1.0", "w2.1.1.0", "w1.1.1", "w1.1.2.3", "w1.1.-1.0"}) {
    SCOPED_TRACE(bad);
    absl::StatusOr<watch::ResumePoint> r = watch::Hub::ParseResumeToken(bad);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(r.status().message()), HasSubstr("resume_token"));
  }
}

// Reads a WatchStream on the test's thread, waiting for the hub's wake-ups.
class Reader {
 public:
  void Attach(std::unique_ptr<WatchStream> stream) { stream_ = std::move(stream); }
  std::function<void()> Wake() {
    return [this] {
      absl::MutexLock lock(&mu_);
      ++wakes_;
    };
  }
  // Events until `pred` holds (true), or false after `timeout`.
  template <typename Pred>
  bool Until(Pred pred, std::vector<v1::WatchEvent>* seen, absl::Duration timeout = absl::Seconds(20)) {
    const absl::Time end = absl::Now() + timeout;
    while (absl::Now() < end) {
      std::optional<v1::WatchResponse> r = stream_->Next();
      if (!r.has_value()) {
        if (!stream_->Ended().ok()) return false;
        absl::MutexLock lock(&mu_);
        mu_.AwaitWithTimeout(absl::Condition(
                                 +[](int* w) { return *w > 0; }, &wakes_),
                             absl::Milliseconds(50));
        wakes_ = 0;
        continue;
      }
      if (r->has_notice()) notices.push_back(r->notice());
      for (const v1::WatchEvent& e : r->events()) {
        seen->push_back(e);
        if (pred(e)) return true;
      }
    }
    return false;
  }
  WatchStream& stream() { return *stream_; }
  std::vector<v1::WatchNotice> notices;

 private:
  absl::Mutex mu_;
  int wakes_ ABSL_GUARDED_BY(mu_) = 0;
  std::unique_ptr<WatchStream> stream_;  // Last: destroyed (detached) before mu_.
};

class EngineWatchTest : public testing_engine::EngineTest {
 protected:
  void Put(const v1::Candidate& c) { ASSERT_TRUE(engine_->UpsertCandidate(access::Caller::System(), c).ok()); }
  void Put(const v1::Vacancy& v) { ASSERT_TRUE(engine_->UpsertVacancy(access::Caller::System(), v).ok()); }
  std::unique_ptr<Reader> Watch(const v1::WatchRequest& request) {
    auto reader = std::make_unique<Reader>();
    absl::StatusOr<std::unique_ptr<WatchStream>> stream =
        engine_->Watch(access::Caller::System(), request, reader->Wake());
    EXPECT_TRUE(stream.ok()) << stream.status();
    if (stream.ok()) reader->Attach(*std::move(stream));
    return reader;
  }
};

TEST_F(EngineWatchTest, EntriesExitsAndANewBestVacancyAsTheyHappen) {
  Put(MakeVacancy("v1"));
  Put(MakeCandidate("c1"));
  v1::WatchRequest request;
  request.add_vacancy_ids("v1");
  request.add_candidate_ids("c1");
  request.set_k(3);
  std::unique_ptr<Reader> r = Watch(request);
  std::vector<v1::WatchEvent> seen;
  ASSERT_TRUE(r->Until([](const v1::WatchEvent& e) { return e.kind() == v1::WatchEvent::CURRENT_BEST_VACANCY; }, &seen));
  ASSERT_FALSE(r->notices.empty());
  EXPECT_EQ(r->notices[0].kind(), v1::WatchNotice::STARTED);
  EXPECT_EQ(seen.back().vacancy_id(), "v1");

  Put(MakeCandidate("c2"));
  seen.clear();
  ASSERT_TRUE(r->Until([](const v1::WatchEvent& e) { return e.candidate_id() == "c2"; }, &seen));
  EXPECT_EQ(seen.back().kind(), v1::WatchEvent::ENTERED_TOP_K);

  v1::Vacancy better = MakeVacancy("v2");
  better.set_hard_to_fill(true);
  Put(better);
  seen.clear();
  ASSERT_TRUE(r->Until(
      [](const v1::WatchEvent& e) { return e.kind() == v1::WatchEvent::NEW_BEST_VACANCY && e.candidate_id() == "c1"; },
      &seen));
  EXPECT_EQ(seen.back().vacancy_id(), "v2");
  EXPECT_EQ(seen.back().previous_vacancy_id(), "v1");

  ASSERT_TRUE(engine_->DeleteCandidate(access::Caller::System(), "c2", 0).ok());
  seen.clear();
  ASSERT_TRUE(r->Until([](const v1::WatchEvent& e) { return e.kind() == v1::WatchEvent::LEFT_TOP_K; }, &seen));
  EXPECT_EQ(seen.back().candidate_id(), "c2");

  engine_->StopWatches();
  seen.clear();
  EXPECT_FALSE(r->Until([](const v1::WatchEvent&) { return false; }, &seen, absl::Seconds(5)));
  EXPECT_EQ(r->stream().Ended().code(), absl::StatusCode::kUnavailable);
}

TEST_F(EngineWatchTest, AQuietWatchersTokenMovesOnWhileOthersHearOfChanges) {
  options_.watch_progress_seconds = 1;
  Reopen();
  Put(MakeVacancy("v1"));
  Put(MakeVacancy("v-other", "Rijnmond"));
  v1::WatchRequest quiet_request;
  quiet_request.add_vacancy_ids("v1");
  std::unique_ptr<Reader> quiet = Watch(quiet_request);
  v1::WatchRequest busy_request;
  busy_request.add_vacancy_ids("v-other");
  std::unique_ptr<Reader> busy = Watch(busy_request);
  std::vector<v1::WatchEvent> seen;
  // Both registered (their STARTED notice read) before the change, so that the change is
  // an event (seen after the start) and not part of the busy watcher's starting state.
  for (Reader* r : {quiet.get(), busy.get()}) {
    const absl::Time until = absl::Now() + absl::Seconds(20);
    while (r->notices.empty() && absl::Now() < until) {
      (void)r->Until([](const v1::WatchEvent&) { return false; }, &seen, absl::Milliseconds(100));
    }
    ASSERT_FALSE(r->notices.empty());
  }
  Put(MakeCandidate("c-rijnmond", "Rijnmond"));  // An event for the busy watcher only.
  ASSERT_TRUE(busy->Until([](const v1::WatchEvent& e) { return e.candidate_id() == "c-rijnmond"; }, &seen));
  EXPECT_EQ(seen.back().kind(), v1::WatchEvent::ENTERED_TOP_K);
  // The quiet one gets a PROGRESS notice whose token is past that event.
  const absl::Time end = absl::Now() + absl::Seconds(10);
  while (absl::Now() < end) {
    (void)quiet->Until([](const v1::WatchEvent&) { return false; }, &seen, absl::Milliseconds(200));
    if (!quiet->notices.empty() && quiet->notices.back().kind() == v1::WatchNotice::PROGRESS) break;
  }
  ASSERT_FALSE(quiet->notices.empty());
  const v1::WatchNotice& progress = quiet->notices.back();
  ASSERT_EQ(progress.kind(), v1::WatchNotice::PROGRESS);
  absl::StatusOr<watch::ResumePoint> moved = watch::Hub::ParseResumeToken(progress.resume_token());
  absl::StatusOr<watch::ResumePoint> started = watch::Hub::ParseResumeToken(quiet->notices.front().resume_token());
  ASSERT_TRUE(moved.ok() && started.ok());
  EXPECT_GT(moved->seq, started->seq);
}

TEST_F(EngineWatchTest, BadRequestsAreRefusedNamingTheField) {
  auto refused = [&](const v1::WatchRequest& request) {
    return engine_->Watch(access::Caller::System(), request, [] {}).status();
  };
  EXPECT_EQ(refused(v1::WatchRequest()).code(), absl::StatusCode::kInvalidArgument);
  v1::WatchRequest unknown;
  unknown.add_vacancy_ids("nope");
  EXPECT_EQ(refused(unknown).code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(refused(unknown).message()), HasSubstr("vacancy_ids[0]"));
  v1::WatchRequest k;
  k.set_in_scope(true);
  k.set_k(1000);
  EXPECT_THAT(std::string(refused(k).message()), HasSubstr("k:"));
  v1::WatchRequest lang;
  lang.set_in_scope(true);
  lang.set_language(static_cast<v1::Language>(77));
  EXPECT_THAT(std::string(refused(lang).message()), HasSubstr("language"));
}

// Writers and watchers at once: nothing crashes or deadlocks, and every watcher that
// stays gets the last change.
TEST_F(EngineWatchTest, ConcurrentWritersAndWatchersThatComeAndGo) {
  for (int i = 0; i < 5; ++i) Put(MakeVacancy("v" + std::to_string(i)));
  std::atomic<bool> stop{false};
  std::vector<std::thread> writers;
  for (int w = 0; w < 2; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; !stop.load(); ++i) {
        v1::Candidate c = MakeCandidate("w" + std::to_string(w) + "-" + std::to_string(i % 50));
        c.mutable_trades(0)->set_years(static_cast<uint32_t>(i % 20));
        (void)engine_->UpsertCandidate(access::Caller::System(), c);
        if (i % 7 == 0) (void)engine_->UpsertVacancy(access::Caller::System(), MakeVacancy("v" + std::to_string(i % 5)));
      }
    });
  }
  for (int round = 0; round < 20; ++round) {  // Watchers that come and go.
    v1::WatchRequest request;
    request.add_vacancy_ids("v" + std::to_string(round % 5));
    request.set_in_scope(round % 2 == 0);
    std::unique_ptr<Reader> r = Watch(request);
    std::vector<v1::WatchEvent> seen;
    (void)r->Until([](const v1::WatchEvent&) { return true; }, &seen, absl::Milliseconds(100));
  }
  v1::WatchRequest request;
  request.add_vacancy_ids("v0");
  request.set_k(100);
  std::unique_ptr<Reader> stays = Watch(request);
  absl::SleepFor(absl::Milliseconds(200));
  stop.store(true);
  for (std::thread& t : writers) t.join();
  v1::Candidate last = MakeCandidate("last");  // Ranks first among the best: its id sorts first.
  last.mutable_trades(0)->set_years(10);
  Put(last);
  std::vector<v1::WatchEvent> seen;
  EXPECT_TRUE(stays->Until([](const v1::WatchEvent& e) { return e.candidate_id() == "last"; }, &seen));
}

}  // namespace
}  // namespace w2w
