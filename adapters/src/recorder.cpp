#include "labtwin/adapters/recorder.hpp"

#include <algorithm>
#include <stdexcept>

namespace labtwin::adapters {

std::vector<RecordSpec> record_specs(const twin::OutputsDef& outputs) {
  std::vector<RecordSpec> specs;
  for (std::size_t i = 0; i < outputs.series.size(); ++i) {
    const auto& s = outputs.series[i];
    RecordSpec r;
    r.entity = s.entity;
    r.signal = s.signal;
    r.policy = s.policy == "every"      ? SamplePolicy::kEvery
               : s.policy == "decimate" ? SamplePolicy::kDecimate
                                        : SamplePolicy::kOnChange;
    if (r.policy != SamplePolicy::kOnChange) {
      if (!s.every || s.every->ticks <= 0)
        throw std::invalid_argument("outputs.series[" + std::to_string(i) + "].every: policy '" +
                                    s.policy + "' needs a period, e.g. every: 1min");
      r.every = *s.every;
    }
    specs.push_back(std::move(r));
  }
  if (specs.empty()) specs.push_back(RecordSpec{});
  return specs;
}

std::uint32_t MemorySink::add_series(const sim::SignalInfo& info) {
  series_.push_back(Series{info, {}, {}});
  return static_cast<std::uint32_t>(series_.size() - 1);
}

void MemorySink::append(std::vector<SampleRecord>& batch) {
  for (const SampleRecord& x : batch) {
    auto& s = series_[x.series];
    s.t.push_back(sim::Time{x.t_us});
    s.value.push_back(x.value);
  }
  batch.clear();
}

const MemorySink::Series* MemorySink::find(const std::string& entity,
                                           const std::string& signal) const {
  for (const auto& s : series_)
    if (s.info.entity == entity && s.info.name == signal) return &s;
  return nullptr;
}

namespace {
bool matches(const std::string& pattern, const std::string& value) {
  return pattern == "*" || pattern == value;
}
std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}
}  // namespace

Recorder::Recorder(sim::SignalTable& table, const std::vector<RecordSpec>& specs, SampleSink& sink,
                   sim::Time now)
    : table_(table), sink_(sink), route_(table.size(), kNone), more_(table.size()) {
  batch_.reserve(kBatch);
  std::vector<bool> used(specs.size(), false);
  for (sim::SignalId id = 0; id < table.size(); ++id) {
    const auto& info = table.info(id);
    for (std::size_t k = 0; k < specs.size(); ++k) {
      const auto& spec = specs[k];
      if (!matches(spec.entity, info.entity) || !matches(spec.signal, info.name)) continue;
      used[k] = true;
      const auto index = static_cast<std::uint32_t>(series_.size());
      Series s;
      Cold c;
      c.signal = id;
      s.sink_id = sink_.add_series(info);
      s.policy = spec.policy;
      c.period = spec.every.ticks;
      s.continuous = info.shape == sim::SignalShape::kContinuous;
      if (s.policy == SamplePolicy::kEvery) {
        c.due = now.ticks;
        periodic_.push_back(index);
        next_due_ = std::min(next_due_, c.due);
      }
      // A grid series needs no emissions: only change-driven ones are reached from on_signal.
      if (s.policy != SamplePolicy::kEvery) {
        if (route_[id] == kNone) {
          route_[id] = index;
        } else {
          route_[id] |= kMore;
          more_[id].push_back(index);
        }
      }
      series_.push_back(s);
      cold_.push_back(c);
      break;
    }
  }
  for (std::size_t k = 0; k < specs.size(); ++k)
    if (!used[k])
      throw std::invalid_argument("outputs.series: no signal matches entity '" + specs[k].entity +
                                  "', signal '" + specs[k].signal + "'");
  // The value at the start: every series begins with a sample (the grid ones at their first
  // grid point, taken by sample_grid below).
  for (std::size_t k = 0; k < series_.size(); ++k)
    if (series_[k].policy != SamplePolicy::kEvery) put(k, now, table_.probe(cold_[k].signal, now));
  table_.subscribe(this);
}

Recorder::~Recorder() { table_.unsubscribe(this); }

void Recorder::flush() {
  if (batch_.empty()) return;
  sink_.append(batch_);
  batch_.clear();  // a sink that kept the samples left it empty already
  if (batch_.capacity() < kBatch) batch_.reserve(kBatch);
}

void Recorder::put(std::size_t k, sim::Time t, double v) {
  Series& s = series_[k];
  switch (s.policy) {
    case SamplePolicy::kOnChange:
      on_change(s, t.ticks, v);
      return;
    case SamplePolicy::kEvery:
      break;
    case SamplePolicy::kDecimate: {
      if (s.has_last && v == s.last) return;
      s.has_last = true;
      s.last = v;
      Cold& c = cold_[k];
      const std::int64_t b = floor_div(t.ticks, c.period);
      if (b != c.bucket) {
        flush_bucket(k);
        c.bucket = b;
      }
      if (c.n == 0 || v < c.v_min) c.v_min = v, c.t_min = t;
      if (c.n == 0 || v > c.v_max) c.v_max = v, c.t_max = t;
      if (c.n == 0) c.v_first = v, c.t_first = t;
      c.v_last = v, c.t_last = t;
      ++c.n;
      return;
    }
  }
  s.has_last = true;
  s.last = v;
  s.last_t = t.ticks;
  take(s.sink_id, t.ticks, v);
}

void Recorder::flush_bucket(std::size_t k) {
  Cold& c = cold_[k];
  if (c.n == 0) return;
  Series& s = series_[k];
  // First, lowest, highest, last: in time order, each once.
  std::pair<sim::Time, double> pts[4] = {
      {c.t_first, c.v_first}, {c.t_min, c.v_min}, {c.t_max, c.v_max}, {c.t_last, c.v_last}};
  std::sort(std::begin(pts), std::end(pts),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (int i = 0; i < 4; ++i) {
    if (i > 0 && pts[i].first == pts[i - 1].first && pts[i].second == pts[i - 1].second) continue;
    take(s.sink_id, pts[i].first.ticks, pts[i].second);
  }
  s.last_t = pts[3].first.ticks;
  c.n = 0;
}

void Recorder::on_signal(sim::SignalId id, sim::Time t, double value) {
  if (id >= route_.size()) return;
  const std::uint32_t r = route_[id];
  if (r == kNone) return;
  Series& s = series_[r & ~kMore];
  if (s.policy == SamplePolicy::kOnChange) {  // the common case inline, without a call
    on_change(s, t.ticks, value);
  } else {
    put(r & ~kMore, t, value);
  }
  if (r & kMore) [[unlikely]]
    for (std::uint32_t k : more_[id]) put(k, t, value);
}

void Recorder::sample_grid(std::int64_t before, bool inclusive) {
  // Grid points in [previous time, before) (or up to `before` inclusive at the end of a run):
  // the model's state is the one after the previous time's events, valid up to `before`.
  std::int64_t next = std::numeric_limits<std::int64_t>::max();
  for (std::uint32_t k : periodic_) {
    Cold& c = cold_[k];
    while (c.due < before || (inclusive && c.due == before)) {
      put(k, sim::Time{c.due}, table_.probe(c.signal, sim::Time{c.due}));
      c.due += c.period;
    }
    next = std::min(next, c.due);
  }
  next_due_ = next;
}

void Recorder::on_time_advance(sim::Time from, sim::Time to) {
  (void)from;
  if (to.ticks > next_due_) sample_grid(to.ticks, false);
}

void Recorder::on_end(sim::Time now) {
  if (now.ticks >= next_due_) sample_grid(now.ticks, true);
}

void Recorder::finish(sim::Time now) {
  on_end(now);
  for (std::size_t k = 0; k < series_.size(); ++k) {
    Series& s = series_[k];
    if (s.policy == SamplePolicy::kEvery) continue;
    const double v = table_.probe(cold_[k].signal, now);
    if (s.policy == SamplePolicy::kDecimate) {
      if (!(s.has_last && v == s.last)) put(k, now, v);
      flush_bucket(k);
      continue;
    }
    // Close with the value at the end (continuous signals moved since their last change).
    if (s.last_t < now.ticks) {
      if (s.held && v != s.last && s.held_t < now.ticks) {  // flat, then moved: keep the kink
        take(s.sink_id, s.held_t, s.last);
      }
      s.held = false;
      take(s.sink_id, now.ticks, v);
      s.last_t = now.ticks;
      s.last = v;
    }
  }
  flush();
}

}  // namespace labtwin::adapters
