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
    : table_(table), sink_(sink), first_(table.size(), -1), more_(table.size()) {
  std::vector<bool> used(specs.size(), false);
  for (sim::SignalId id = 0; id < table.size(); ++id) {
    const auto& info = table.info(id);
    for (std::size_t k = 0; k < specs.size(); ++k) {
      const auto& spec = specs[k];
      if (!matches(spec.entity, info.entity) || !matches(spec.signal, info.name)) continue;
      used[k] = true;
      Series s;
      s.signal = id;
      s.sink_id = sink_.add_series(info);
      s.policy = spec.policy;
      s.period = spec.every.ticks;
      s.continuous = info.shape == sim::SignalShape::kContinuous;
      if (s.policy == SamplePolicy::kEvery) {
        s.due = now.ticks;
        periodic_.push_back(static_cast<std::uint32_t>(series_.size()));
        next_due_ = std::min(next_due_, s.due);
      }
      // A grid series needs no emissions: only change-driven ones are reached from on_signal.
      if (s.policy != SamplePolicy::kEvery) {
        if (first_[id] < 0)
          first_[id] = static_cast<std::int32_t>(series_.size());
        else
          more_[id].push_back(static_cast<std::uint32_t>(series_.size()));
      }
      series_.push_back(s);
      break;
    }
  }
  for (std::size_t k = 0; k < specs.size(); ++k)
    if (!used[k])
      throw std::invalid_argument("outputs.series: no signal matches entity '" + specs[k].entity +
                                  "', signal '" + specs[k].signal + "'");
  // The value at the start: every series begins with a sample (the grid ones at their first
  // grid point, taken by sample_grid below).
  for (auto& s : series_)
    if (s.policy != SamplePolicy::kEvery) put(s, now, table_.probe(s.signal, now));
  table_.subscribe(this);
}

Recorder::~Recorder() { table_.unsubscribe(this); }

void Recorder::put(Series& s, sim::Time t, double v) {
  switch (s.policy) {
    case SamplePolicy::kOnChange:
      if (s.has_last && v == s.last) {
        if (s.continuous && t > s.last_t) s.held = true, s.held_t = t;
        return;
      }
      if (s.held) {  // the end of a flat stretch first
        s.held = false;
        sink_.append(s.sink_id, s.held_t, s.last);
        ++samples_;
      }
      break;
    case SamplePolicy::kEvery:
      break;
    case SamplePolicy::kDecimate: {
      if (s.has_last && v == s.last) return;
      s.has_last = true;
      s.last = v;
      const std::int64_t b = floor_div(t.ticks, s.period);
      if (b != s.bucket) {
        flush_bucket(s);
        s.bucket = b;
      }
      if (s.n == 0 || v < s.v_min) s.v_min = v, s.t_min = t;
      if (s.n == 0 || v > s.v_max) s.v_max = v, s.t_max = t;
      if (s.n == 0) s.v_first = v, s.t_first = t;
      s.v_last = v, s.t_last = t;
      ++s.n;
      return;
    }
  }
  s.has_last = true;
  s.last = v;
  s.last_t = t;
  sink_.append(s.sink_id, t, v);
  ++samples_;
}

void Recorder::flush_bucket(Series& s) {
  if (s.n == 0) return;
  // First, lowest, highest, last: in time order, each once.
  std::pair<sim::Time, double> pts[4] = {
      {s.t_first, s.v_first}, {s.t_min, s.v_min}, {s.t_max, s.v_max}, {s.t_last, s.v_last}};
  std::sort(std::begin(pts), std::end(pts),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (int i = 0; i < 4; ++i) {
    if (i > 0 && pts[i].first == pts[i - 1].first && pts[i].second == pts[i - 1].second) continue;
    sink_.append(s.sink_id, pts[i].first, pts[i].second);
    ++samples_;
  }
  s.last_t = pts[3].first;
  s.n = 0;
}

void Recorder::on_signal(sim::SignalId id, sim::Time t, double value) {
  if (id >= first_.size() || first_[id] < 0) return;
  Series& s = series_[static_cast<std::size_t>(first_[id])];
  // The common case inline: an unchanged step value is dropped before any call.
  if (s.policy == SamplePolicy::kOnChange && !s.continuous) {
    if (!(s.has_last && value == s.last)) put(s, t, value);
  } else {
    put(s, t, value);
  }
  for (std::uint32_t k : more_[id]) put(series_[k], t, value);
}

void Recorder::sample_grid(std::int64_t before, bool inclusive) {
  // Grid points in [previous time, before) (or up to `before` inclusive at the end of a run):
  // the model's state is the one after the previous time's events, valid up to `before`.
  std::int64_t next = std::numeric_limits<std::int64_t>::max();
  for (std::uint32_t k : periodic_) {
    Series& s = series_[k];
    while (s.due < before || (inclusive && s.due == before)) {
      put(s, sim::Time{s.due}, table_.probe(s.signal, sim::Time{s.due}));
      s.due += s.period;
    }
    next = std::min(next, s.due);
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
  for (auto& s : series_) {
    if (s.policy == SamplePolicy::kEvery) continue;
    if (s.policy == SamplePolicy::kDecimate) {
      const double v = table_.probe(s.signal, now);
      if (!(s.has_last && v == s.last)) put(s, now, v);
      flush_bucket(s);
      continue;
    }
    // Close with the value at the end (continuous signals moved since their last change).
    const double v = table_.probe(s.signal, now);
    if (s.last_t < now) {
      if (s.held && v != s.last && s.held_t < now) {  // flat, then moved since: keep the kink
        sink_.append(s.sink_id, s.held_t, s.last);
        ++samples_;
      }
      s.held = false;
      sink_.append(s.sink_id, now, v);
      ++samples_;
      s.last_t = now;
      s.last = v;
    }
  }
}

}  // namespace labtwin::adapters
