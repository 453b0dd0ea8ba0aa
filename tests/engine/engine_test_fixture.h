// Test fixture for the Engine facade: a real Engine on a real RocksDB store in a
// temporary folder, opened on the shipped reference data, plus record builders.
// Thread safety: one fixture per test, used from the test's thread.
#ifndef W2W_TESTS_ENGINE_ENGINE_TEST_FIXTURE_H_
#define W2W_TESTS_ENGINE_ENGINE_TEST_FIXTURE_H_

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "engine/engine.h"
#include "gtest/gtest.h"

namespace w2w::testing_engine {

// ESCO occupations used by the tests (data/esco/occupations.csv).
inline constexpr char kWelderCode[] = "7212.3";
inline constexpr char kWelderId[] = "7aedaa07-3884-4c5b-88f9-80997b2aa54b";
inline constexpr char kElectricianCode[] = "7411.1";
inline constexpr char kElectricianId[] = "4910419f-b4af-4f59-b544-9dbebc8a74f0";

inline std::string NewTempDir(const std::string& tag) {
  static std::atomic<int> counter{0};
  std::filesystem::path dir = std::filesystem::path(::testing::TempDir()) /
                              ("w2w_" + tag + "_" + std::to_string(getpid()) + "_" +
                               std::to_string(counter++));
  std::filesystem::remove_all(dir);
  return dir.string();
}

inline v1::Candidate MakeCandidate(const std::string& id, const std::string& region = "Twente",
                                   const char* trade = kWelderCode) {
  v1::Candidate c;
  c.set_id(id);
  c.set_region(region);
  c.set_sector(v1::SECTOR_ME);
  v1::TradeExperience* t = c.add_trades();
  t->set_code(trade);
  t->set_years(5);
  c.add_qualifications("VCA-BASIS");
  c.set_status(v1::CANDIDATE_STATUS_AT_RISK);
  c.set_employer_id("employer-1");
  return c;
}

inline v1::Vacancy MakeVacancy(const std::string& id, const std::string& region = "Twente",
                               const char* trade = kWelderCode) {
  v1::Vacancy v;
  v.set_id(id);
  v.set_employer_id("employer-2");
  v.set_region(region);
  v.set_sector(v1::SECTOR_ME);
  v.set_trade(trade);
  v.set_title("Lasser");
  return v;
}

class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_.store.path = NewTempDir("engine");
    options_.store.disk_reserve_bytes = 0;  // The test disk may be small.
    if (const char* data = std::getenv("W2W_DATA_DIR")) options_.reference_dir = data;
    options_.import_batch_size = 3;
    Reopen();
  }
  void TearDown() override {
    engine_.reset();
    std::filesystem::remove_all(options_.store.path);
  }
  // Closes the engine (if open) and opens it again on the same folder.
  void Reopen() {
    engine_.reset();
    auto engine = Engine::Open(options_);
    ASSERT_TRUE(engine.ok()) << engine.status();
    engine_ = std::move(*engine);
  }

  EngineOptions options_;
  std::unique_ptr<Engine> engine_;
};

}  // namespace w2w::testing_engine

#endif  // W2W_TESTS_ENGINE_ENGINE_TEST_FIXTURE_H_
