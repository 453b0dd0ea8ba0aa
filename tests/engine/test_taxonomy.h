// Shared helpers of the engine tests: where the shipped reference data is, the shipped
// taxonomy loaded once per binary, and dates relative to today. Header-only (each test is
// its own binary).
#ifndef W2W_TESTS_ENGINE_TEST_TAXONOMY_H_
#define W2W_TESTS_ENGINE_TEST_TAXONOMY_H_

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "engine/common/dates.h"
#include "engine/taxonomy/taxonomy.h"
#include "gtest/gtest.h"

namespace w2w::testing {

inline std::string DataDir() {
  const char* env = std::getenv("W2W_DATA_DIR");
  return env != nullptr && *env != '\0' ? env : W2W_DEFAULT_DATA_DIR;
}

// The shipped taxonomy, loaded once per binary.
inline std::shared_ptr<const taxonomy::Taxonomy> SharedTaxonomy() {
  static auto* tax = [] {
    auto loaded = taxonomy::Taxonomy::LoadFromDir(DataDir());
    if (!loaded.ok()) {
      ADD_FAILURE() << loaded.status();
      std::abort();
    }
    return new std::shared_ptr<const taxonomy::Taxonomy>(*loaded);
  }();
  return *tax;
}

// Today +/- days as "YYYY-MM-DD".
inline std::string DayFromToday(int days) { return FormatIsoDate(TodayUtc() + days); }

}  // namespace w2w::testing

#endif  // W2W_TESTS_ENGINE_TEST_TAXONOMY_H_
