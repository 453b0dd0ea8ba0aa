// SplitMix64: a tiny, fast, well-mixed PRNG (Steele, Lea, Flood 2014; the seeding generator
// of xoshiro). Used instead of <random> distributions, whose output differs between
// standard libraries, so generated datasets are identical everywhere.
// Thread safety: an Rng is a value; use one per thread (or per record).
#ifndef W2W_CLIENTS_DATAGEN_RNG_H_
#define W2W_CLIENTS_DATAGEN_RNG_H_

#include <cstdint>

namespace w2w::datagen {

// The SplitMix64 output function: a bijective 64-bit mixer.
inline uint64_t Mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}

  // Seed of record `index` of stream `stream` (candidates, vacancies, ...) under `seed`.
  static uint64_t RecordSeed(uint64_t seed, uint64_t stream, uint64_t index) {
    return Mix64(seed ^ Mix64(stream * 0xD1B54A32D192ED03ull + index + 1));
  }

  uint64_t Next() { return Mix64(state_ += 0x9E3779B97F4A7C15ull); }

  // Uniform in [0, 1) with 53 random bits (exact in IEEE double everywhere).
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

  // Uniform in [0, n); 0 when n == 0. Multiply-shift, no modulo bias worth mentioning.
  uint64_t Below(uint64_t n) {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(Next()) * n) >> 64);
  }

  // Uniform in [lo, hi] (inclusive). Precondition: lo <= hi.
  int64_t Between(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(Below(static_cast<uint64_t>(hi - lo) + 1));
  }

  // True with probability p.
  bool Chance(double p) { return Uniform() < p; }

 private:
  uint64_t state_;
};

}  // namespace w2w::datagen

#endif  // W2W_CLIENTS_DATAGEN_RNG_H_
