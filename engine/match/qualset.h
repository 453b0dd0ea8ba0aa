// QualSet: a set of qualification ids (taxonomy::QualId < kMaxQualifications = 128) as
// two 64-bit words, so "missing = required & ~held" is two instructions.
// Thread safety: a plain value type.
#ifndef W2W_ENGINE_MATCH_QUALSET_H_
#define W2W_ENGINE_MATCH_QUALSET_H_

#include <bit>
#include <cstdint>

namespace w2w::match {

struct QualSet {
  uint64_t lo = 0, hi = 0;

  void Add(unsigned q) { (q < 64 ? lo : hi) |= uint64_t{1} << (q & 63); }
  bool Has(unsigned q) const { return ((q < 64 ? lo : hi) >> (q & 63)) & 1; }
  bool empty() const { return (lo | hi) == 0; }
  int count() const { return std::popcount(lo) + std::popcount(hi); }
  QualSet operator&(const QualSet& o) const { return {lo & o.lo, hi & o.hi}; }
  QualSet operator|(const QualSet& o) const { return {lo | o.lo, hi | o.hi}; }
  QualSet operator~() const { return {~lo, ~hi}; }
  bool operator==(const QualSet& o) const = default;

  // The set folded to 31 bits: bit b is set iff a member q has q % kFoldBits == b. A bit
  // clear proves every qualification of that residue absent.
  static constexpr unsigned kFoldBits = 31;
  uint32_t Fold() const {
    uint32_t fold = 0;
    ForEach([&](unsigned q) { fold |= 1u << (q % kFoldBits); });
    return fold;
  }

  // The sum of weeks_by_residue[b] over the set bits b of `residues` (a fold).
  static double SumByResidue(uint32_t residues, const double* weeks_by_residue) {
    double sum = 0;
    for (; residues != 0; residues &= residues - 1) sum += weeks_by_residue[std::countr_zero(residues)];
    return sum;
  }

  // Calls fn(q) for every member in ascending order.
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    for (uint64_t w = lo; w != 0; w &= w - 1) fn(static_cast<unsigned>(std::countr_zero(w)));
    for (uint64_t w = hi; w != 0; w &= w - 1) fn(64u + static_cast<unsigned>(std::countr_zero(w)));
  }
};

}  // namespace w2w::match

#endif  // W2W_ENGINE_MATCH_QUALSET_H_
