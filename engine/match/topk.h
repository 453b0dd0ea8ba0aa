// TopK: the k best (score desc, id asc) items seen so far, as a heap with the worst on
// top. Internal to engine/match. Thread safety: not thread-safe (one per query).
#ifndef W2W_ENGINE_MATCH_TOPK_H_
#define W2W_ENGINE_MATCH_TOPK_H_

#include <algorithm>
#include <cstdint>
#include <string_view>
#include <vector>

namespace w2w::match {

struct Scored {
  int64_t micro;
  uint32_t ordinal;
  std::string_view id;
};

// a ranks before b.
inline bool Better(const Scored& a, const Scored& b) {
  return a.micro != b.micro ? a.micro > b.micro : a.id < b.id;
}

class TopK {
 public:
  explicit TopK(uint32_t k) : k_(k) { heap_.reserve(k); }
  bool full() const { return heap_.size() >= k_; }
  // The worst kept score (only meaningful when full()).
  int64_t threshold() const { return heap_.front().micro; }
  void Offer(const Scored& s) {
    if (heap_.size() < k_) {
      heap_.push_back(s);
      std::push_heap(heap_.begin(), heap_.end(), Better);
    } else if (Better(s, heap_.front())) {
      std::pop_heap(heap_.begin(), heap_.end(), Better);
      heap_.back() = s;
      std::push_heap(heap_.begin(), heap_.end(), Better);
    }
  }
  // Best first.
  std::vector<Scored> Sorted() && {
    std::sort(heap_.begin(), heap_.end(), Better);
    return std::move(heap_);
  }

 private:
  uint32_t k_;
  std::vector<Scored> heap_;
};

}  // namespace w2w::match

#endif  // W2W_ENGINE_MATCH_TOPK_H_
