#pragma once
/// @file Named model signals (OMNeT++-style): a model registers what it can report, emits
/// values when they change, and listeners (a recorder, a GUI) subscribe. Emitting with no
/// listener costs one branch. Continuous signals also carry a probe that evaluates the value at
/// any time up to the next event, so a recorder can sample on a regular grid without adding
/// events to the calendar.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "labtwin/sim/time.hpp"

namespace labtwin::sim {

/// Index of a signal in its SignalTable.
using SignalId = std::uint32_t;

/// How a signal behaves between emissions.
enum class SignalShape : std::uint8_t {
  kStep,        ///< piecewise constant: the last emitted value holds until the next emission
  kContinuous,  ///< changes between emissions; emissions mark where its dynamics change
};

/// What a signal is.
struct SignalInfo {
  std::string entity;                      ///< e.g. "F-01", "site-A", "RG-001"
  std::string name;                        ///< e.g. "air_temperature"
  std::string unit;                        ///< e.g. "C", "1", "count"
  std::string description;                 ///< one line
  SignalShape shape = SignalShape::kStep;  ///< step or continuous

  /// "entity/name": the series id used by recorders and telemetry files.
  std::string id() const { return entity + "/" + name; }
};

/// Receives emitted values.
class SignalListener {
 public:
  virtual ~SignalListener() = default;
  /// `id` took `value` at simulated time `t` (emitted after the model's state changed).
  virtual void on_signal(SignalId id, Time t, double value) = 0;
};

/// The signals of one model, their probes and listeners.
class SignalTable {
 public:
  /// Evaluates a signal at time t, for t from the last event up to the next one.
  using Probe = std::function<double(Time)>;

  /// Registers a signal; its id is the registration index. Duplicate entity/name pairs throw
  /// std::invalid_argument.
  SignalId add(SignalInfo info, Probe probe);
  /// Number of signals.
  std::size_t size() const { return infos_.size(); }
  /// Description of signal `id`.
  const SignalInfo& info(SignalId id) const { return infos_.at(id); }
  /// The value of signal `id` at time t (see Probe).
  double probe(SignalId id, Time t) const { return probes_.at(id)(t); }
  /// The signal `entity`/`name`, if registered.
  std::optional<SignalId> find(std::string_view entity, std::string_view name) const;

  /// Subscribes a listener (not owned; must outlive its subscription).
  void subscribe(SignalListener* listener);
  /// Unsubscribes; false if it was not subscribed.
  bool unsubscribe(SignalListener* listener);
  /// True when someone listens (callers may skip computing values otherwise).
  bool listened() const { return !listeners_.empty(); }

  /// Publishes a value to every listener.
  void emit(SignalId id, Time t, double value) const {
    if (!listeners_.empty()) [[unlikely]]
      for (SignalListener* l : listeners_) l->on_signal(id, t, value);
  }

 private:
  std::vector<SignalInfo> infos_;
  std::vector<Probe> probes_;
  std::map<std::string, SignalId, std::less<>> index_;  // by "entity/name"
  std::vector<SignalListener*> listeners_;
};

}  // namespace labtwin::sim
