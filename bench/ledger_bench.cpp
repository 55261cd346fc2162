// Ledger throughput: commands/s of the event-sourced inventory ledger with 10,000 SKUs x 100
// storage units, beside a baseline doing the same on-hand updates directly on a plain
// std::unordered_map<std::string, double> keyed by "sku@unit" (no validation, no events, no
// lots). The ratio baseline/ledger is the cost of event sourcing (validation, lot tracking,
// FEFO picking, the event log and idempotency bookkeeping).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdio>
#include <ctime>
#include <deque>
#include <string>
#include <unordered_map>
#include <vector>

#include "labtwin/core/inventory/ledger.hpp"

namespace inv = labtwin::core::inventory;
using labtwin::core::Instant;
using labtwin::core::ManualClock;
using labtwin::core::Span;

namespace {

constexpr std::uint32_t kSkus = 10'000;
constexpr std::uint32_t kUnits = 100;  // 25 per storage class
constexpr std::uint32_t kClasses = 4;
constexpr std::uint32_t kUnitsPerClass = kUnits / kClasses;
constexpr std::int64_t kOps = 200'000;  // timed commands per run (mix of 5 kinds)

enum class Kind : std::uint8_t { Receive, Release, Reserve, Issue, Transfer };

struct Op {
  Kind kind;
  std::uint32_t sku;
  std::uint32_t unit;     // unit index (0..99) used by receive / as the transfer source
  std::uint32_t unit_to;  // transfer destination (same storage class)
};

std::uint64_t splitmix(std::uint64_t& s) {
  std::uint64_t z = (s += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

std::uint32_t unit_of(std::uint32_t sku, std::uint32_t k) {
  // A unit of the SKU's storage class (class = sku % 4; units 25c .. 25c+24).
  return (sku % kClasses) * kUnitsPerClass + (sku * 7 + k) % kUnitsPerClass;
}

std::vector<Op> make_script() {
  std::vector<Op> ops;
  ops.reserve(kOps);
  std::uint64_t s = 12345;
  for (std::int64_t i = 0; i < kOps; ++i) {
    const auto sku = static_cast<std::uint32_t>(splitmix(s) % kSkus);
    const auto k = static_cast<std::uint32_t>(splitmix(s) % 3);
    ops.push_back(Op{static_cast<Kind>(i % 5), sku, unit_of(sku, k), unit_of(sku, k + 1)});
  }
  return ops;
}

const std::vector<Op>& script() {
  static const std::vector<Op> ops = make_script();
  return ops;
}

// "<prefix><n>", built by appending (GCC 12 warns falsely on "literal" + std::string).
std::string name(const char* prefix, std::uint64_t n) {
  std::string s(prefix);
  s += std::to_string(n);
  return s;
}
std::string sku_code(std::uint32_t i) { return name("SKU-", i); }
std::string unit_code(std::uint32_t i) { return name("U-", i); }

struct World {
  ManualClock clock{Instant{Span::days(1000).us}};
  inv::Ledger ledger;
  std::vector<inv::LocId> units;
  std::deque<inv::LotId> quarantine;
  std::uint64_t lot_counter = 0;

  explicit World(labtwin::core::EventSink* sink) : ledger(clock, sink) {
    const inv::StorageClass classes[kClasses] = {
        inv::StorageClass::Minus80C, inv::StorageClass::Minus20C, inv::StorageClass::Plus4C,
        inv::StorageClass::Room};
    const auto site = inv::LocId{ledger.execute(inv::AddLocation{.code = "SITE"}).id};
    std::vector<inv::LocId> rooms;
    for (std::uint32_t r = 0; r < kClasses; ++r) {
      rooms.push_back(inv::LocId{
          ledger
              .execute(inv::AddLocation{
                  .code = name("ROOM-", r), .kind = inv::LocationKind::Room, .parent = site})
              .id});
    }
    for (std::uint32_t u = 0; u < kUnits; ++u) {
      units.push_back(
          inv::LocId{ledger
                         .execute(inv::AddLocation{.code = unit_code(u),
                                                   .kind = inv::LocationKind::StorageUnit,
                                                   .parent = rooms[u / kUnitsPerClass],
                                                   .storage = classes[u / kUnitsPerClass]})
                         .id});
    }
    for (std::uint32_t i = 0; i < kSkus; ++i) {
      ledger.execute(inv::RegisterItem{{sku_code(i), "ea", classes[i % kClasses], 1.0}});
    }
    // Opening stock: three released lots per SKU with staggered expiry.
    for (std::uint32_t i = 0; i < kSkus; ++i) {
      for (std::uint32_t k = 0; k < 3; ++k) {
        const inv::LotId lot = receive(i, unit_of(i, k), 50.0, 30.0 + 10.0 * k);
        ledger.execute(inv::ReleaseQc{lot});
      }
    }
  }

  inv::LotId receive(std::uint32_t sku, std::uint32_t unit, double q, double days) {
    const inv::Result r = ledger.execute(inv::Receive{inv::SkuId{sku}, name("B", lot_counter++), q,
                                                      units[unit], clock.now() + Span::days(days)});
    return inv::LotId{r.id};
  }

  // Executes one scripted command; returns true if the ledger accepted it.
  bool step(const Op& op) {
    const inv::SkuId sku{op.sku};
    switch (op.kind) {
      case Kind::Receive:
        quarantine.push_back(receive(op.sku, op.unit, 10.0, 60.0));
        return true;
      case Kind::Release: {
        if (quarantine.empty()) return false;
        const inv::LotId lot = quarantine.front();
        quarantine.pop_front();
        return ledger.execute(inv::ReleaseQc{lot}).ok();
      }
      case Kind::Reserve:
        return ledger.execute(inv::Reserve{sku, 1.0}).ok();
      case Kind::Issue:
        return ledger.execute(inv::Issue{sku, 1.0}).ok();
      case Kind::Transfer: {
        const auto& lots = ledger.state().book(sku).lots;
        if (lots.empty()) return false;
        const inv::LotId lot = lots.front();
        inv::LocId to = units[op.unit_to];
        for (std::uint32_t k = 0; to == ledger.state().lot(lot).location; ++k) {
          to = units[unit_of(op.sku, k)];  // another unit of the same class
        }
        return ledger.execute(inv::Transfer{lot, to}).ok();
      }
    }
    return false;
  }
};

double g_ledger_rate = 0, g_ledger_sink_rate = 0, g_baseline_rate = 0;

void run_ledger(benchmark::State& state, bool with_sink, double* rate) {
  labtwin::core::NullEventSink sink;
  World w(with_sink ? &sink : nullptr);
  const auto& ops = script();
  std::int64_t accepted = 0;
  const std::clock_t t0 = std::clock();  // process CPU time: robust on a shared machine
  for (auto _ : state) {
    for (const Op& op : ops) accepted += w.step(op) ? 1 : 0;
  }
  const double secs = static_cast<double>(std::clock() - t0) / CLOCKS_PER_SEC;
  const double n = static_cast<double>(ops.size()) * static_cast<double>(state.iterations());
  *rate = n / secs;
  state.counters["cmds_per_s"] = *rate;
  state.counters["accepted_pct"] = 100.0 * static_cast<double>(accepted) / n;
  state.counters["events"] = static_cast<double>(w.ledger.events().size());
  state.counters["lots"] = static_cast<double>(w.ledger.state().lot_count());
  if (!w.ledger.check_invariants().empty()) state.SkipWithError("ledger invariants violated");
}

void BM_Ledger(benchmark::State& state) { run_ledger(state, false, &g_ledger_rate); }
void BM_LedgerWithSink(benchmark::State& state) { run_ledger(state, true, &g_ledger_sink_rate); }

void BM_BaselineUnorderedMap(benchmark::State& state) {
  std::vector<std::string> skus, units;
  for (std::uint32_t i = 0; i < kSkus; ++i) skus.push_back(sku_code(i));
  for (std::uint32_t u = 0; u < kUnits; ++u) units.push_back(unit_code(u));
  std::unordered_map<std::string, double> on_hand, reserved;
  std::string key;
  auto key_of = [&](std::uint32_t sku, std::uint32_t unit) -> const std::string& {
    key.assign(skus[sku]);
    key += '@';
    key += units[unit];
    return key;
  };
  for (std::uint32_t i = 0; i < kSkus; ++i) {
    for (std::uint32_t k = 0; k < 3; ++k) on_hand[key_of(i, unit_of(i, k))] += 50.0;
  }
  const auto& ops = script();
  const std::clock_t t0 = std::clock();  // process CPU time: robust on a shared machine
  for (auto _ : state) {
    for (const Op& op : ops) {
      switch (op.kind) {
        case Kind::Receive:
          on_hand[key_of(op.sku, op.unit)] += 10.0;
          break;
        case Kind::Release:
          benchmark::DoNotOptimize(on_hand.find(key_of(op.sku, op.unit)));
          break;
        case Kind::Reserve:
          reserved[key_of(op.sku, op.unit)] += 1.0;
          break;
        case Kind::Issue:
          on_hand[key_of(op.sku, op.unit)] -= 1.0;
          break;
        case Kind::Transfer:
          on_hand[key_of(op.sku, op.unit)] -= 10.0;
          on_hand[key_of(op.sku, op.unit_to)] += 10.0;
          break;
      }
    }
    benchmark::ClobberMemory();
  }
  const double secs = static_cast<double>(std::clock() - t0) / CLOCKS_PER_SEC;
  const double n = static_cast<double>(ops.size()) * static_cast<double>(state.iterations());
  g_baseline_rate = n / secs;
  state.counters["cmds_per_s"] = g_baseline_rate;
}

// One iteration = the whole 200k-command script on a freshly built world.
BENCHMARK(BM_Ledger)->Iterations(1)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_LedgerWithSink)->Iterations(1)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_BaselineUnorderedMap)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  if (g_ledger_rate > 0 && g_baseline_rate > 0) {
    std::printf("ledger (no sink):        %.3g commands/s\n", g_ledger_rate);
    if (g_ledger_sink_rate > 0) {
      std::printf("ledger (NullEventSink):  %.3g commands/s (DomainEvent formatting included)\n",
                  g_ledger_sink_rate);
    }
    std::printf("baseline unordered_map:  %.3g updates/s\n", g_baseline_rate);
    std::printf("cost of event sourcing:  %.2fx (baseline rate / ledger rate)\n",
                g_baseline_rate / g_ledger_rate);
  }
  return 0;
}
