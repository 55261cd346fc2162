// Classic hold model: N pending events; each executed event schedules one more at
// now + Exp(mean 1 s). Compares the kernel (callback style, coroutine style, with an observer
// attached) with a bare std::priority_queue loop doing the same work (pop, draw, push), all
// drawing the same numbers from identically seeded RandomStreams.
//
// The headline ratios come from an interleaved run: the variants take turns executing
// 131,072 events each, for many rounds, and each turn is timed with the thread's CPU clock, so a
// burst of load from other jobs on the shared machine hits all variants alike. The usual
// Google Benchmark table (variants run one after another) is printed too. Finally the
// calendar memory per pending event at N = 1,000,000.
#include <benchmark/benchmark.h>
#include <malloc.h>
#include <time.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <queue>
#include <string>
#include <utility>
#include <vector>

#include "labtwin/sim/distributions.hpp"
#include "labtwin/sim/process.hpp"
#include "labtwin/sim/random.hpp"
#include "labtwin/sim/simulation.hpp"

namespace {

using labtwin::sim::EventInfo;
using labtwin::sim::Exponential;
using labtwin::sim::Observer;
using labtwin::sim::Process;
using labtwin::sim::RandomStream;
using labtwin::sim::Simulation;
using labtwin::sim::Time;

constexpr std::int64_t kEventsPerIteration = 1 << 16;
constexpr int kRounds = 20;
constexpr std::int64_t kEventsPerTurn = 1 << 17;

RandomStream make_stream() { return RandomStream(1, 0, "hold"); }

// Callback style: each event's callback draws the next delay and schedules one more event.
struct CallbackModel {
  Simulation sim;
  RandomStream rng = make_stream();
  Exponential exp1{1.0};
  std::int64_t budget = 0;
  struct Counting : Observer {
    std::uint64_t events = 0;
    void on_event(const EventInfo&) override { ++events; }
  } obs;

  CallbackModel(std::size_t n, bool observed) {
    if (observed) sim.add_observer(&obs);
    for (std::size_t i = 0; i < n; ++i)
      sim.schedule_in(Time::from_seconds(exp1(rng)), [this] { hold(); });
  }
  void hold() {
    if (--budget == 0) sim.stop();
    sim.schedule_in(Time::from_seconds(exp1(rng)), [this] { hold(); });
  }
  void run(std::int64_t events) {
    budget = events;
    sim.run();
  }
};

void run_callback(benchmark::State& state, bool observed) {
  CallbackModel m(static_cast<std::size_t>(state.range(0)), observed);
  for (auto _ : state) m.run(kEventsPerIteration);
  state.SetItemsProcessed(state.iterations() * kEventsPerIteration);
  benchmark::DoNotOptimize(m.sim.fingerprint());
  benchmark::DoNotOptimize(m.obs.events);
}

void BM_KernelCallback(benchmark::State& state) { run_callback(state, false); }
void BM_KernelCallbackObserved(benchmark::State& state) { run_callback(state, true); }

struct CoroModel;
Process holder(CoroModel& m);

// Coroutine style: N processes, each looping over `co_await timeout(Exp(1))`.
struct CoroModel {
  Simulation sim;
  RandomStream rng = make_stream();
  Exponential exp1{1.0};
  std::int64_t budget = 0;

  explicit CoroModel(std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) sim.spawn(holder(*this));
    budget = -1;
    sim.run_until(Time::zero());  // start every process: each is now in its first timeout
  }
  void run(std::int64_t events) {
    budget = events;
    sim.run();
  }
};

Process holder(CoroModel& m) {
  for (;;) {
    co_await m.sim.timeout(Time::from_seconds(m.exp1(m.rng)));
    if (--m.budget == 0) m.sim.stop();
  }
}

void BM_KernelCoroutine(benchmark::State& state) {
  CoroModel m(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) m.run(kEventsPerIteration);
  state.SetItemsProcessed(state.iterations() * kEventsPerIteration);
  benchmark::DoNotOptimize(m.sim.fingerprint());
}

// The baseline: what a hand-written hold loop costs (no callbacks, no tie-break, no hash).
struct BareModel {
  using Item = std::pair<double, int>;
  RandomStream rng = make_stream();
  Exponential exp1{1.0};
  std::priority_queue<Item, std::vector<Item>, std::greater<Item>> pq;

  explicit BareModel(int n) {
    for (int i = 0; i < n; ++i) pq.emplace(exp1(rng), i);
  }
  void run(std::int64_t events) {
    for (std::int64_t k = 0; k < events; ++k) {
      const Item top = pq.top();
      pq.pop();
      pq.emplace(top.first + exp1(rng), top.second);
    }
  }
};

void BM_BarePriorityQueue(benchmark::State& state) {
  BareModel m(static_cast<int>(state.range(0)));
  for (auto _ : state) m.run(kEventsPerIteration);
  state.SetItemsProcessed(state.iterations() * kEventsPerIteration);
  benchmark::DoNotOptimize(m.pq.top());
}

BENCHMARK(BM_BarePriorityQueue)->Arg(1000)->Arg(100000);
BENCHMARK(BM_KernelCallback)->Arg(1000)->Arg(100000);
BENCHMARK(BM_KernelCoroutine)->Arg(1000)->Arg(100000);
BENCHMARK(BM_KernelCallbackObserved)->Arg(1000)->Arg(100000);

// Captures items_per_second per benchmark name while printing the usual console table.
class CapturingReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& r : runs) {
      const auto it = r.counters.find("items_per_second");
      if (it != r.counters.end()) rate[r.benchmark_name()] = it->second.value;
    }
    ConsoleReporter::ReportRuns(runs);
  }
  std::map<std::string, double> rate;
};

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

// Interleaved rounds: bare, callback, coroutine, observed each run kEventsPerTurn events
// per round (after one warm-up round); prints events/s from the summed CPU time and the
// median and range of the per-round kernel / bare ratios.
void report_interleaved(int n, int rounds) {
  BareModel bare(n);
  CallbackModel cb(static_cast<std::size_t>(n), false);
  CoroModel coro(static_cast<std::size_t>(n));
  CallbackModel observed(static_cast<std::size_t>(n), true);
  constexpr int kVariants = 4;
  const char* names[kVariants] = {"bare priority_queue", "callback", "coroutine",
                                  "callback + observer"};
  std::vector<double> total(kVariants, 0.0);
  std::vector<std::vector<double>> ratios(kVariants);
  for (int r = -1; r < rounds; ++r) {
    double t[kVariants];
    for (int v = 0; v < kVariants; ++v) {
      const double t0 = thread_cpu_seconds();
      switch (v) {
        case 0:
          bare.run(kEventsPerTurn);
          break;
        case 1:
          cb.run(kEventsPerTurn);
          break;
        case 2:
          coro.run(kEventsPerTurn);
          break;
        default:
          observed.run(kEventsPerTurn);
          break;
      }
      t[v] = thread_cpu_seconds() - t0;
    }
    if (r < 0) continue;  // warm-up
    for (int v = 0; v < kVariants; ++v) {
      total[static_cast<std::size_t>(v)] += t[v];
      ratios[static_cast<std::size_t>(v)].push_back(t[0] / t[v]);
    }
  }
  benchmark::DoNotOptimize(bare.pq.top());
  benchmark::DoNotOptimize(cb.sim.fingerprint());
  benchmark::DoNotOptimize(coro.sim.fingerprint());
  benchmark::DoNotOptimize(observed.obs.events);
  const double events = static_cast<double>(kEventsPerTurn) * rounds;
  for (int v = 0; v < kVariants; ++v) {
    auto& rs = ratios[static_cast<std::size_t>(v)];
    std::sort(rs.begin(), rs.end());
    std::printf("  N=%-7d %-22s %6.2f M ev/s", n, names[v],
                events / total[static_cast<std::size_t>(v)] / 1e6);
    if (v > 0)
      std::printf("  ratio %.2f (median %.2f, range %.2f-%.2f)",
                  total[0] / total[static_cast<std::size_t>(v)], rs[rs.size() / 2], rs.front(),
                  rs.back());
    std::printf("\n");
  }
}

void report_memory() {
  constexpr std::size_t kN = 1'000'000;
  RandomStream rng = make_stream();
  const Exponential exp1(1.0);
  const auto before = mallinfo2().uordblks + mallinfo2().hblkhd;
  auto sim = std::make_unique<Simulation>();
  int sink = 0;
  for (std::size_t i = 0; i < kN; ++i)
    sim->schedule_in(Time::from_seconds(exp1(rng)), [&sink] { ++sink; });
  const auto after = mallinfo2().uordblks + mallinfo2().hblkhd;
  std::printf("memory at N = 1,000,000 pending events (no reserve):\n");
  std::printf("  calendar capacity  %.2f bytes/event (heap entry %zu + slot %zu)\n",
              static_cast<double>(sim->calendar_memory_bytes()) / kN,
              sizeof(labtwin::sim::HeapCalendar::Entry), sizeof(labtwin::sim::HeapCalendar::Slot));
  std::printf("  malloc delta       %.2f bytes/event\n", static_cast<double>(after - before) / kN);
  Simulation reserved;
  reserved.reserve(kN);
  for (std::size_t i = 0; i < kN; ++i)
    reserved.schedule_in(Time::from_seconds(exp1(rng)), [&sink] { ++sink; });
  std::printf("  with reserve(N)    %.2f bytes/event\n",
              static_cast<double>(reserved.calendar_memory_bytes()) / kN);
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  CapturingReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  std::printf(
      "\nhold model, one variant after another (Google Benchmark above), events/s and\n"
      "ratio kernel / bare std::priority_queue:\n");
  for (const char* n : {"1000", "100000"}) {
    const double bare = reporter.rate[std::string("BM_BarePriorityQueue/") + n];
    if (bare <= 0) continue;
    for (const char* k : {"BM_KernelCallback", "BM_KernelCoroutine", "BM_KernelCallbackObserved"}) {
      const double r = reporter.rate[std::string(k) + "/" + n];
      if (r <= 0) continue;
      std::printf("  N=%-7s %-26s %12.0f ev/s  ratio %.2f\n", n, k, r, r / bare);
    }
    std::printf("  N=%-7s %-26s %12.0f ev/s\n", n, "BM_BarePriorityQueue", bare);
  }
  std::printf("\ninterleaved (%d rounds of %lld events per variant, thread CPU time):\n", kRounds,
              static_cast<long long>(kEventsPerTurn));
  for (const int n : {1000, 100000}) report_interleaved(n, kRounds);
  std::printf("goals: callback >= 1.0, coroutine >= 0.5\n\n");
  report_memory();
  benchmark::Shutdown();
  return 0;
}
