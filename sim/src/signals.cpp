#include "labtwin/sim/signals.hpp"

#include <algorithm>
#include <stdexcept>

namespace labtwin::sim {

SignalId SignalTable::add(SignalInfo info, Probe probe) {
  if (find(info.entity, info.name))
    throw std::invalid_argument("SignalTable::add: duplicate signal " + info.id());
  if (!probe) throw std::invalid_argument("SignalTable::add: " + info.id() + " has no probe");
  const auto id = static_cast<SignalId>(infos_.size());
  index_.emplace(info.id(), id);
  infos_.push_back(std::move(info));
  probes_.push_back(std::move(probe));
  return id;
}

std::optional<SignalId> SignalTable::find(std::string_view entity, std::string_view name) const {
  std::string key;
  key.reserve(entity.size() + 1 + name.size());
  key.append(entity).append("/").append(name);
  if (auto it = index_.find(key); it != index_.end()) return it->second;
  return std::nullopt;
}

void SignalTable::subscribe(SignalListener* listener) {
  if (listener == nullptr) throw std::invalid_argument("SignalTable::subscribe: null listener");
  if (std::find(listeners_.begin(), listeners_.end(), listener) == listeners_.end())
    listeners_.push_back(listener);
}

bool SignalTable::unsubscribe(SignalListener* listener) {
  auto it = std::find(listeners_.begin(), listeners_.end(), listener);
  if (it == listeners_.end()) return false;
  listeners_.erase(it);
  return true;
}

}  // namespace labtwin::sim
