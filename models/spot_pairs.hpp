#pragma once
// A material's spot pairs (docs/model.md "Spot re-sourcing"), held implicitly. Every supplier of
// a kind may sell spot to every buyer with a contract from that kind, so the pairs are two cross
// products (refineries x their buyers, mines x theirs): 20 000 nodes make 64 million. Stored as
// lists they took 3.6 GB and most of `crisp check`'s time; here they are numbered arithmetically
// and take O(nodes) memory.
//
// Pair ids are those the explicit lists had: the refinery pairs first, grouped by supplier in
// scenario order, each supplier's buyers in node order; then the mine pairs alike. So supplier
// `refineries[i]` and the j-th buyer of refineries are pair `i * B + j` (B: refinery buyers), and
// a buyer's pairs are two arithmetic runs, ascending.

#include <array>
#include <cstddef>
#include <iterator>
#include <vector>

namespace crisp {

struct SpotPair {
  int supplier = 0, buyer = 0;
};

// Ascending pair ids: at most two runs of `count` ids, `stride` apart.
class SpotPairIds {
 public:
  struct Run {
    int first = 0, count = 0, stride = 1;
  };
  SpotPairIds() = default;
  SpotPairIds(Run a, Run b);

  class iterator {
   public:
    using value_type = int;
    using difference_type = std::ptrdiff_t;
    iterator() = default;
    iterator(Run a, Run b) : p_(a.first), left_(a.count), stride_(a.stride), next_(b) {}
    int operator*() const { return p_; }
    iterator& operator++() {
      if (--left_ > 0) {
        p_ += stride_;
      } else if (next_.count > 0) {
        *this = iterator(next_, Run{});
      }
      return *this;
    }
    iterator operator++(int) {
      iterator old = *this;
      ++*this;
      return old;
    }
    friend bool operator==(const iterator& i, std::default_sentinel_t) { return i.left_ <= 0; }

   private:
    int p_ = 0, left_ = 0, stride_ = 1;
    Run next_;
  };

  iterator begin() const { return iterator(runs_[0], runs_[1]); }
  std::default_sentinel_t end() const { return {}; }
  bool empty() const { return runs_[0].count == 0; }
  std::size_t size() const { return static_cast<std::size_t>(runs_[0].count + runs_[1].count); }

 private:
  std::array<Run, 2> runs_{};  // a nonempty run first
};

// The pairs of one supplier kind: suppliers x buyers, ids from `base`.
struct SpotBlock {
  int base = 0;
  std::vector<int> suppliers;  // local node indices, scenario order
  std::vector<int> buyers;     // local node indices, ascending
  long long size() const {
    return static_cast<long long>(suppliers.size()) * static_cast<long long>(buyers.size());
  }
};

// Every pair, by id: `pairs[p]`, `pairs.size()`, and a range-for over SpotPair values.
class SpotPairs {
 public:
  SpotPairs() = default;
  // The blocks of refineries and of mines, in that order. Throws std::invalid_argument when the
  // pairs outnumber an int's ids.
  SpotPairs(SpotBlock refinery, SpotBlock mine);

  std::size_t size() const { return static_cast<std::size_t>(size_); }
  bool empty() const { return size_ == 0; }
  SpotPair operator[](std::size_t p) const {
    const SpotBlock& k = static_cast<long long>(p) < blocks_[1].base ? blocks_[0] : blocks_[1];
    const auto i = static_cast<std::size_t>(static_cast<long long>(p) - k.base);
    const std::size_t n = k.buyers.size();
    return {k.suppliers[i / n], k.buyers[i % n]};
  }
  // The two blocks, refineries' then mines', for code that walks pairs supplier by supplier.
  const std::array<SpotBlock, 2>& blocks() const { return blocks_; }

  class iterator {
   public:
    using value_type = SpotPair;
    using difference_type = std::ptrdiff_t;
    iterator() = default;
    iterator(const SpotPairs* pairs, std::size_t p) : pairs_(pairs), p_(p) {}
    SpotPair operator*() const { return (*pairs_)[p_]; }
    iterator& operator++() {
      ++p_;
      return *this;
    }
    iterator operator++(int) { return {pairs_, p_++}; }
    bool operator==(const iterator& o) const { return p_ == o.p_; }

   private:
    const SpotPairs* pairs_ = nullptr;
    std::size_t p_ = 0;
  };
  iterator begin() const { return {this, 0}; }
  iterator end() const { return {this, size()}; }

 private:
  std::array<SpotBlock, 2> blocks_{};
  long long size_ = 0;
};

// Per node: the ids of the pairs it sells in (`spot_by_supplier[s]`, one run) or buys in
// (`spot_by_buyer[b]`, a run per supplier kind it buys from).
class SpotPairIndex {
 public:
  SpotPairIndex() = default;
  explicit SpotPairIndex(std::vector<SpotPairIds> ids) : ids_(std::move(ids)) {}
  const SpotPairIds& operator[](std::size_t v) const { return ids_[v]; }
  std::size_t size() const { return ids_.size(); }

 private:
  std::vector<SpotPairIds> ids_;
};

// A buyer's position among its kind's buyers in a block, or -1: block.buyers is sorted.
int buyer_position(const SpotBlock& block, int buyer);

}  // namespace crisp
