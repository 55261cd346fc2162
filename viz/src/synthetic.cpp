// The synthetic snapshot: closed-form values, so every run builds the same data.
#include "labtwin/viz/synthetic.hpp"

#include <cmath>
#include <string>

namespace labtwin::viz {

Snapshot synthetic_snapshot(int freezers, int events, int history_points) {
  Snapshot s;
  s.version = 1;
  s.scenario = "synthetic";
  s.start_us = 1'772'816'400'000'000;  // 2026-03-06T17:00:00Z
  s.utc_offset_s = 3600;
  s.now_s = 60.0 * history_points;
  s.live_s = s.now_s;
  s.horizon_s = s.now_s * 2;
  for (int k = 0; k < 4; ++k) {
    SiteInfo site{"site-" + std::to_string(k), "Site " + std::to_string(k), {}};
    for (int r = 0; r < 5; ++r) site.rooms.push_back("room-" + std::to_string(r));
    s.sites.push_back(std::move(site));
  }
  s.freezers.reserve(static_cast<std::size_t>(freezers));
  for (int i = 0; i < freezers; ++i) {
    FreezerState f;
    f.id = "F-" + std::to_string(i);
    f.site = "site-" + std::to_string(i % 4);
    f.room = "room-" + std::to_string((i / 4) % 5);
    f.alarm = i % 7 == 3;
    f.air_c = f.alarm ? -65.0 : -80.0;
    f.payload_c = -79.0;
    auto& h = f.history;
    h.t_s.resize(static_cast<std::size_t>(history_points));
    h.air_c.resize(h.t_s.size());
    h.payload_c.resize(h.t_s.size());
    for (std::size_t j = 0; j < h.t_s.size(); ++j) {
      const double t = 60.0 * static_cast<double>(j);
      h.t_s[j] = t;
      h.air_c[j] = -80.0 + 2.0 * std::sin(t / 1200.0 + i);  // compressor cycling
      h.payload_c[j] = -79.0 + 0.3 * std::sin(t / 7200.0 + i);
    }
    for (double t = 0; t < s.now_s; t += 2400.0) h.compressor.push_back({t, t + 1200.0});
    for (double t = 500; t < s.now_s; t += 14400.0) h.door.push_back({t, t + 40.0});
    s.freezers.push_back(std::move(f));
  }
  static const char* kKinds[] = {"inventory.issued", "inventory.received", "dispatch.assigned",
                                 "freezer.alarm", "dispatch.completed"};
  for (int e = 0; e < events; ++e) {
    s.events.push_back({s.now_s * e / std::max(events, 1), kKinds[e % 5],
                        "F-" + std::to_string(e % std::max(freezers, 1)),
                        "synthetic event " + std::to_string(e)});
  }
  s.events_total = static_cast<std::uint64_t>(events);
  for (int t = 0; t < 8; ++t) {
    TechnicianState tech{"tech-" + std::to_string(t), "site-0", t % 2 == 0, {}};
    for (double b = 3600.0 * t; b < s.now_s; b += 28800.0) tech.busy_at.push_back({b, b + 5400.0});
    s.technicians.push_back(std::move(tech));
  }
  for (int k = 0; k < 50; ++k)
    s.items.push_back({"SKU-" + std::to_string(k), "item " + std::to_string(k), 10.0 + k % 30,
                       10.0 + k % 30, k % 3 == 0 ? 40.0 : 0.0, 0.0, 20.0, 60.0});
  for (const char* n : {"alarms", "callouts", "fill_rate", "samples_lost"})
    s.kpis.push_back({n, 1.0, "count", "synthetic"});
  return s;
}

}  // namespace labtwin::viz
