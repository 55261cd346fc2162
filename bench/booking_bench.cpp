// Booking conflict checks with a year of bookings on each of 100 instruments: the per-instrument
// IntervalIndex (O(log n) per check) beside a linear scan of the same bookings, both doing the
// same request -> confirm -> cancel cycle on the same random requests; plus the whole booking
// ledger (rules, quota, hours, windows, events) doing Request + Cancel. Prints the ratios.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "cpu_time_reporter.hpp"
#include "labtwin/core/instruments/booking_ledger.hpp"
#include "labtwin/core/instruments/interval_index.hpp"
#include "labtwin/core/schedule/shift_calendar.hpp"
#include "labtwin_test/splitmix.hpp"

namespace {

namespace ci = labtwin::core::instruments;
using labtwin::core::Instant;
using labtwin::core::Span;

constexpr int kDays = 365;
const Instant kT0 = labtwin::core::local_to_utc({2026, 1, 5}, 0, Span{});

struct Slot {
  Instant start;
  Instant end;
};

struct Query {
  std::uint32_t instrument;
  Instant start;
  Instant end;
};

// A year of bookings on each of `n` instruments: `per_day` runs a day (each 24 / per_day / 2
// hours long, at varying offsets), so about half of every day is booked.
struct World {
  std::vector<ci::IntervalIndex> index;
  std::vector<std::vector<Slot>> linear;
  std::vector<Query> queries;
  labtwin::core::ManualClock clock{kT0};
  ci::BookingLedger ledger{clock};

  int instruments;
  int per_day;

  World(int n, int runs_per_day) : index(n), linear(n), instruments(n), per_day(runs_per_day) {
    labtwin::test::SplitMix64 rng{2026};
    const double step = 24.0 / per_day;  // hours between run starts
    const double len = step / 2.0;       // run length
    for (int i = 0; i < instruments; ++i) {
      ci::Instrument ins;
      ins.id = std::string("I-").append(std::to_string(i));
      ins.rules.granularity = Span::minutes(30);
      ins.rules.min_slot = Span::minutes(30);
      ins.rules.max_slot = Span::hours(12);
      ins.rules.book_ahead = Span::days(400);
      ins.rules.weekly_quota = Span{};
      ledger.execute(ci::AddInstrument{ins});
    }
    std::uint32_t id = 0;
    for (int i = 0; i < instruments; ++i) {
      for (int d = 0; d < kDays; ++d) {
        for (int k = 0; k < per_day; ++k) {
          const double jitter =
              0.5 * static_cast<double>(rng.below(static_cast<std::uint64_t>(len)));
          const Instant s = kT0 + Span::days(d) + Span::hours(step * k + jitter);
          const Instant e = s + Span::hours(len);
          linear[i].push_back({s, e});
        }
      }
    }
    // Filled one structure at a time, so each instrument's map nodes sit together in memory.
    for (int i = 0; i < instruments; ++i) {
      for (const Slot& x : linear[i]) index[i].insert(x.start, x.end, id++);
    }
    for (int i = 0; i < instruments; ++i) {
      for (const Slot& x : linear[i]) {
        ledger.execute(
            ci::Request{ci::InstrumentId{static_cast<std::uint32_t>(i)}, "u", "p", x.start, x.end});
      }
    }
    for (int q = 0; q < (1 << 16); ++q) {
      const auto i = rng.below32(static_cast<std::uint32_t>(instruments));
      const Instant s = kT0 + Span::hours(0.5 * static_cast<double>(rng.below(48 * kDays)));
      queries.push_back({i, s, s + Span::hours(0.5 * static_cast<double>(1 + rng.below(4)))});
    }
  }
};

// The two worlds: one instrument with 12 runs a day (4,380 bookings) and 100 instruments with
// 3 runs a day (1,095 bookings each, 109,500 in all).
World& world(int n) {
  static World one(1, 12);
  static World hundred(100, 3);
  return n == 1 ? one : hundred;
}

void BM_IndexRequestConfirm(benchmark::State& state) {
  World& w = world(static_cast<int>(state.range(0)));
  std::size_t q = 0;
  std::int64_t confirmed = 0;
  for (auto _ : state) {
    const Query& r = w.queries[q++ & 0xFFFF];
    ci::IntervalIndex& idx = w.index[r.instrument];
    if (!idx.overlaps(r.start, r.end)) {  // confirm, then cancel to keep the year unchanged
      idx.insert(r.start, r.end, 0xFFFFFFFF);
      idx.erase(r.start, 0xFFFFFFFF);
      ++confirmed;
    }
  }
  benchmark::DoNotOptimize(confirmed);
  state.counters["confirmed"] =
      benchmark::Counter(static_cast<double>(confirmed) / static_cast<double>(state.iterations()));
}

void BM_LinearRequestConfirm(benchmark::State& state) {
  World& w = world(static_cast<int>(state.range(0)));
  std::size_t q = 0;
  std::int64_t confirmed = 0;
  for (auto _ : state) {
    const Query& r = w.queries[q++ & 0xFFFF];
    std::vector<Slot>& v = w.linear[r.instrument];
    bool clash = false;
    for (const Slot& s : v) {
      if (s.start < r.end && r.start < s.end) {
        clash = true;
        break;
      }
    }
    if (!clash) {
      v.push_back({r.start, r.end});
      v.pop_back();
      ++confirmed;
    }
  }
  benchmark::DoNotOptimize(confirmed);
  state.counters["confirmed"] =
      benchmark::Counter(static_cast<double>(confirmed) / static_cast<double>(state.iterations()));
}

// The whole ledger: every rule, an event per accepted command (the log grows, hence the fixed
// iteration count).
void BM_LedgerRequestConfirm(benchmark::State& state) {
  World& w = world(static_cast<int>(state.range(0)));
  std::size_t q = 0;
  for (auto _ : state) {
    const Query& r = w.queries[q++ & 0xFFFF];
    const ci::Result res =
        w.ledger.execute(ci::Request{ci::InstrumentId{r.instrument}, "u", "p", r.start, r.end});
    if (res.ok()) w.ledger.execute(ci::Cancel{ci::BookingId{res.id}});
    benchmark::DoNotOptimize(res.reason);
  }
}

BENCHMARK(BM_IndexRequestConfirm)->Arg(1)->Arg(100);
BENCHMARK(BM_LinearRequestConfirm)->Arg(1)->Arg(100);
BENCHMARK(BM_LedgerRequestConfirm)->Arg(1)->Arg(100)->Iterations(100000);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  world(1);  // build outside the timed region
  labtwin::bench::CpuTimeReporter times;
  benchmark::RunSpecifiedBenchmarks(&times);
  benchmark::Shutdown();
  for (const int n : {1, 100}) {
    const World& w = world(n);
    const std::string arg = std::string("/").append(std::to_string(n));
    const double idx = times.time("BM_IndexRequestConfirm" + arg);
    const double lin = times.time("BM_LinearRequestConfirm" + arg);
    const double led = times.time("BM_LedgerRequestConfirm" + arg + "/iterations:100000");
    std::printf("%d instrument(s) x a year, %d bookings each:\n", n, w.per_day * kDays);
    std::printf("  interval index request/confirm: %.3g /s\n", 1e9 / idx);
    std::printf("  linear scan request/confirm:    %.3g /s\n", 1e9 / lin);
    std::printf("  speed-up of the index:          %.1fx (linear time / index time)\n", lin / idx);
    std::printf("  full ledger Request(+Cancel):   %.3g requests/s\n", 1e9 / led);
  }
  return 0;
}
