// Fuzz target: validation and canonicalisation of a w2w.v1.Vacancy against the shipped
// taxonomy (engine/validate/validate.h). The input and the invariants are described in
// tests/fuzz/validate_target.h.
#include <cstddef>
#include <cstdint>

#include "tests/fuzz/fuzz_support.h"
#include "tests/fuzz/validate_target.h"
#include "w2w/v1/vacancy.pb.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  w2w::fuzz::QuietProtobufLog();
  w2w::fuzz::SharedTaxonomy();  // Loaded before the first input, not timed with it.
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  w2w::fuzz::FuzzValidate<w2w::v1::Vacancy>(data, size);
  return 0;
}
