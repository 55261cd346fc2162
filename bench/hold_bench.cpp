// Classic hold model: N pending events; each executed event schedules one more at
// now + Exp(mean 1 s). Compares the kernel (callback style, coroutine style, with an observer
// attached) with a bare std::priority_queue loop doing the same work (pop, draw, push), all
// drawing from the same RandomStream, and prints events/s and the kernel/bare ratios, plus the
// calendar memory per pending event at N = 1,000,000.
#include <benchmark/benchmark.h>
#include <malloc.h>

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

RandomStream make_stream() { return RandomStream(1, 0, "hold"); }

struct CallbackModel {
  Simulation sim;
  RandomStream rng = make_stream();
  Exponential exp1{1.0};
  std::int64_t budget = 0;

  void hold() {
    if (--budget == 0) sim.stop();
    sim.schedule_in(Time::from_seconds(exp1(rng)), [this] { hold(); });
  }
};

void run_callback(benchmark::State& state, bool observed) {
  const auto n = static_cast<std::size_t>(state.range(0));
  CallbackModel m;
  struct Counting : Observer {
    std::uint64_t events = 0;
    void on_event(const EventInfo&) override { ++events; }
  } obs;
  if (observed) m.sim.add_observer(&obs);
  for (std::size_t i = 0; i < n; ++i)
    m.sim.schedule_in(Time::from_seconds(m.exp1(m.rng)), [&m] { m.hold(); });
  for (auto _ : state) {
    m.budget = kEventsPerIteration;
    m.sim.run();
  }
  state.SetItemsProcessed(state.iterations() * kEventsPerIteration);
  benchmark::DoNotOptimize(m.sim.fingerprint());
  benchmark::DoNotOptimize(obs.events);
}

void BM_KernelCallback(benchmark::State& state) { run_callback(state, false); }
void BM_KernelCallbackObserved(benchmark::State& state) { run_callback(state, true); }

struct CoroModel {
  Simulation sim;
  RandomStream rng = make_stream();
  Exponential exp1{1.0};
  std::int64_t budget = 0;
};

Process holder(CoroModel& m) {
  for (;;) {
    co_await m.sim.timeout(Time::from_seconds(m.exp1(m.rng)));
    if (--m.budget == 0) m.sim.stop();
  }
}

void BM_KernelCoroutine(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  CoroModel m;
  for (std::size_t i = 0; i < n; ++i) m.sim.spawn(holder(m));
  m.budget = -1;
  m.sim.run_until(Time::zero());  // start every process: each is now in its first timeout
  for (auto _ : state) {
    m.budget = kEventsPerIteration;
    m.sim.run();
  }
  state.SetItemsProcessed(state.iterations() * kEventsPerIteration);
  benchmark::DoNotOptimize(m.sim.fingerprint());
}

void BM_BarePriorityQueue(benchmark::State& state) {
  const auto n = static_cast<int>(state.range(0));
  RandomStream rng = make_stream();
  const Exponential exp1(1.0);
  using Item = std::pair<double, int>;
  std::priority_queue<Item, std::vector<Item>, std::greater<Item>> pq;
  for (int i = 0; i < n; ++i) pq.emplace(exp1(rng), i);
  for (auto _ : state) {
    for (std::int64_t k = 0; k < kEventsPerIteration; ++k) {
      const Item top = pq.top();
      pq.pop();
      pq.emplace(top.first + exp1(rng), top.second);
    }
  }
  state.SetItemsProcessed(state.iterations() * kEventsPerIteration);
  benchmark::DoNotOptimize(pq.top());
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
  std::printf("\nhold model, events/s and ratio kernel / bare std::priority_queue:\n");
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
  std::printf("goals: callback >= 1.0, coroutine >= 0.5\n\n");
  report_memory();
  benchmark::Shutdown();
  return 0;
}
