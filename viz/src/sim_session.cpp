// The simulation worker: runs the lab model in slices, records the history the UI plots and
// publishes immutable snapshots. Only this thread touches the model.
#include "labtwin/viz/sim_session.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>
#include <string>

#include "labtwin/adapters/recorder.hpp"
#include "labtwin/core/inventory/ledger.hpp"
#include "labtwin/sim/simulation.hpp"
#include "labtwin/twin/lab_model.hpp"

namespace labtwin::viz {

FreezerStatus status_of(const FreezerState& f) {
  if (f.damaged) return FreezerStatus::kDamaged;
  if (f.alarm) return FreezerStatus::kAlarm;
  if (f.failed) return FreezerStatus::kFailed;
  if (f.door) return FreezerStatus::kDoorOpen;
  return FreezerStatus::kOk;
}

namespace {

double seconds_of(sim::Time t) { return t.seconds(); }

// Where a recorded series goes: a freezer field or a technician's busy flag.
struct Route {
  enum class Field : std::uint8_t { kAir, kPayload, kCompressor, kDoor, kAlarm, kBusy };
  Field field = Field::kAir;
  std::size_t index = 0;
};

// Step signals become intervals; an open interval has end = -1 until it closes.
void step_to(std::vector<Interval>& iv, double t, double v) {
  const bool open = !iv.empty() && iv.back().end_s < 0.0;
  if (v > 0.5 && !open) iv.push_back({t, -1.0});
  if (v <= 0.5 && open) iv.back().end_s = t;
}

// Copies intervals, closing an open one at `now`.
std::vector<Interval> closed_at(const std::vector<Interval>& iv, double now) {
  std::vector<Interval> out = iv;
  if (!out.empty() && out.back().end_s < 0.0) out.back().end_s = now;
  return out;
}

}  // namespace

/// The worker's private state: the model, its recorder and the recorded history.
struct SimSession::Worker final : adapters::SampleSink {
  twin::ScenarioDef scenario;
  twin::LabModel model;
  std::vector<Route> routes;  // by sink series id
  std::vector<FreezerState> freezers;
  std::map<std::string, std::size_t, std::less<>> freezer_index;
  std::vector<std::vector<double>> payload_t;  // per freezer: payload sample times
  std::vector<TechnicianState> techs;
  std::vector<ItemLevel> items;
  std::vector<SiteInfo> sites;
  std::vector<MapNodeInfo> map_nodes;  // other twins' site-map nodes (static)
  std::vector<MapEdgeInfo> map_edges;
  DtnState dtn;  // the DTN block's static part (nodes, contact plan)
  std::vector<sim::SignalId> air_sig, payload_sig;
  std::vector<MicrogridState> microgrids;  // per site microgrid: history (state: at build)
  double sample_every_s = 60.0;
  double next_mg_sample = 0.0;  // next microgrid sample time (slices end there)
  std::size_t events_seen = 0;
  std::unique_ptr<adapters::Recorder> recorder;

  // Supply network on the map: suppliers red while down, lanes red while closed (the lane edges
  // are added in the scenario's lane order by add_twin_map).
  void update_supply(Snapshot& s) const {
    if (scenario.supply.suppliers.empty() && scenario.supply.lanes.empty()) return;
    const twin::SupplyNow now = model.supply_now();
    const auto has = [](const std::vector<std::string>& v, const std::string& x) {
      return std::find(v.begin(), v.end(), x) != v.end();
    };
    for (auto& n : s.map_nodes)
      if (n.kind == "supplier") n.status = has(now.suppliers_down, n.id) ? 2 : 0;
    std::size_t k = 0;
    for (auto& e : s.map_edges) {
      if (e.kind != "lane" && e.kind != "lane_closed") continue;
      if (k >= scenario.supply.lanes.size()) break;
      const auto& l = scenario.supply.lanes[k++];
      e.kind = has(now.lanes_closed, l.id.empty() ? l.from + "->" + l.to : l.id) ? "lane_closed"
                                                                                 : "lane";
    }
  }

  Worker(const twin::ScenarioDef& sc, const SessionOptions& o) : scenario(sc), model(scenario) {
    for (const auto& s : scenario.sites) {
      SiteInfo si{s.id, s.name, {}};
      for (const auto& r : s.rooms) si.rooms.push_back(r.id);
      sites.push_back(std::move(si));
      for (const auto& f : s.freezers) {
        const auto p = twin::freezer_params_of(f);
        FreezerState st;
        st.id = f.id;
        st.site = s.id;
        st.room = f.room;
        st.setpoint_c = f.setpoint_c;
        st.alarm_high_c = f.alarm_high_c;
        st.damage_c = p.damage_limits.empty() ? f.alarm_high_c : p.damage_limits[0].payload_limit_c;
        st.backup = f.backup;
        freezer_index.emplace(f.id, freezers.size());
        freezers.push_back(std::move(st));
      }
    }
    payload_t.resize(freezers.size());
    sample_every_s = o.sample_every_s;
    sample_microgrids();
    {
      Snapshot extra;
      add_twin_map(scenario, extra);
      map_nodes = std::move(extra.map_nodes);
      map_edges = std::move(extra.map_edges);
      dtn = std::move(extra.dtn);
    }
    auto& table = model.signals();
    air_sig.assign(freezers.size(), 0);
    payload_sig.assign(freezers.size(), 0);
    for (std::size_t i = 0; i < freezers.size(); ++i) {
      const auto a = table.find(freezers[i].id, "air_temperature");
      const auto p = table.find(freezers[i].id, "payload_temperature");
      if (!a || !p)
        throw std::invalid_argument("freezer " + freezers[i].id + " has no temperature signals");
      air_sig[i] = *a;
      payload_sig[i] = *p;
    }
    bool any_busy = false;
    for (sim::SignalId id = 0; id < table.size(); ++id) {
      const auto& info = table.info(id);
      if (info.name != "busy") continue;
      any_busy = true;
      TechnicianState t;
      t.id = info.entity;
      for (const auto& d : scenario.technicians)
        if (info.entity == d.id || info.entity.rfind(d.id + "-", 0) == 0) t.site = d.site;
      techs.push_back(std::move(t));
    }
    for (const auto& it : scenario.items) {
      ItemLevel l;
      l.sku = it.sku;
      l.name = it.name;
      if (it.policy) {
        l.reorder_point = it.policy->s.value_or(-1.0);
        l.order_up_to = it.policy->S.value_or(-1.0);
      }
      items.push_back(std::move(l));
    }
    // Temperatures on a regular grid (probed, exact at each sample), step signals on change.
    const sim::Time every = sim::Time::from_seconds(o.sample_every_s);
    std::vector<adapters::RecordSpec> specs;
    if (!freezers.empty()) {
      specs.push_back({"*", "air_temperature", adapters::SamplePolicy::kEvery, every});
      specs.push_back({"*", "payload_temperature", adapters::SamplePolicy::kEvery, every});
      for (const char* n : {"compressor", "door", "alarm"})
        if (table.find(freezers[0].id, n))
          specs.push_back({"*", n, adapters::SamplePolicy::kOnChange, {}});
    }
    if (any_busy) specs.push_back({"*", "busy", adapters::SamplePolicy::kOnChange, {}});
    if (!specs.empty()) {
      recorder =
          std::make_unique<adapters::Recorder>(table, specs, *this, model.simulation().now());
      model.simulation().add_observer(recorder.get());
      recorder->flush();  // the first samples, for a snapshot before the first slice
    }
  }

  ~Worker() override {
    if (recorder) model.simulation().remove_observer(recorder.get());
  }

  std::uint32_t add_series(const sim::SignalInfo& info) override {
    Route r;
    if (info.name == "busy") {
      for (std::size_t i = 0; i < techs.size(); ++i)
        if (techs[i].id == info.entity) r.index = i;
      r.field = Route::Field::kBusy;
    } else {
      const auto it = freezer_index.find(info.entity);
      if (it == freezer_index.end())
        throw std::invalid_argument("recorded signal of unknown freezer " + info.id());
      r.index = it->second;
      if (info.name == "air_temperature") r.field = Route::Field::kAir;
      if (info.name == "payload_temperature") r.field = Route::Field::kPayload;
      if (info.name == "compressor") r.field = Route::Field::kCompressor;
      if (info.name == "door") r.field = Route::Field::kDoor;
      if (info.name == "alarm") r.field = Route::Field::kAlarm;
    }
    routes.push_back(r);
    return static_cast<std::uint32_t>(routes.size() - 1);
  }

  void append(std::vector<adapters::SampleRecord>& batch) override {
    for (const auto& x : batch) take(x.series, sim::Time{x.t_us}, x.value);
    batch.clear();
  }

  void take(std::uint32_t series, sim::Time t, double v) {
    const Route& r = routes[series];
    const double ts = seconds_of(t);
    if (r.field == Route::Field::kBusy) {
      step_to(techs[r.index].busy_at, ts, v);
      return;
    }
    auto& h = freezers[r.index].history;
    switch (r.field) {
      case Route::Field::kAir:
        h.t_s.push_back(ts);
        h.air_c.push_back(v);
        break;
      case Route::Field::kPayload:
        payload_t[r.index].push_back(ts);
        h.payload_c.push_back(v);
        break;
      case Route::Field::kCompressor:
        step_to(h.compressor, ts, v);
        break;
      case Route::Field::kDoor:
        step_to(h.door, ts, v);
        break;
      case Route::Field::kAlarm:
        step_to(h.alarm, ts, v);
        break;
      case Route::Field::kBusy:
        break;
    }
  }

  // Microgrid history: SoC, PV and load every sample_every_s (and at every change of the grid
  // or shedding state); islanded and shedding intervals from the same samples. Called after
  // every slice; with microgrids, slices end on the sample grid (run_worker).
  void sample_microgrids() {
    const double t = seconds_of(model.simulation().now());
    const auto now = model.microgrids_now();
    if (microgrids.size() != now.size()) {
      microgrids.clear();
      for (const auto& g : now) {
        MicrogridState m;
        m.site = g.site;
        microgrids.push_back(std::move(m));
      }
    }
    for (std::size_t i = 0; i < now.size(); ++i) {
      const auto& g = now[i];
      auto& h = microgrids[i];
      const bool changed =
          h.t_s.empty() || g.grid_up != h.grid_up || g.shed.empty() != h.shed.empty();
      if (!changed && t < next_mg_sample) continue;
      if (!h.t_s.empty() && t <= h.t_s.back()) continue;
      h.t_s.push_back(t);
      h.soc_hist.push_back(g.soc);
      h.pv_hist.push_back(g.pv_w);
      h.demand_hist.push_back(g.demand_w);
      h.served_hist.push_back(g.served_w);
      step_to(h.islanded, t, g.grid_up ? 0.0 : 1.0);
      step_to(h.shedding, t, g.shed.empty() ? 0.0 : 1.0);
      h.grid_up = g.grid_up;
      h.shed = g.shed;
    }
    while (sample_every_s > 0.0 && next_mg_sample <= t) next_mg_sample += sample_every_s;
  }

  // Failure and damage are facts of the event log, not signals.
  void scan_events() {
    const auto& log = model.event_log();
    for (; events_seen < log.size(); ++events_seen) {
      const auto& e = log[events_seen];
      if (e.kind.rfind("freezer.", 0) != 0) continue;
      const auto it = freezer_index.find(e.entity);
      if (it == freezer_index.end()) continue;
      auto& f = freezers[it->second];
      if (e.kind == "freezer.compressor_failure") f.failed = true;
      if (e.kind == "freezer.repaired") f.failed = false;
      if (e.kind == "freezer.damage") f.damaged = true;
    }
  }

  // Builds a snapshot of the current state; history and events only when asked.
  Snapshot build(bool with_history, std::size_t event_tail) {
    scan_events();
    const sim::Time now = model.simulation().now();
    const double now_s = seconds_of(now);
    auto& table = model.signals();
    Snapshot s;
    s.scenario = scenario.meta.name;
    s.start_us = model.start_us();
    s.utc_offset_s = scenario.clock.utc_offset_s;
    s.now_s = now_s;
    s.live_s = now_s;
    s.horizon_s = seconds_of(model.horizon());
    s.finished = now >= model.horizon();
    s.sites = sites;
    s.map_nodes = map_nodes;
    s.map_edges = map_edges;
    s.dtn = dtn;
    s.freezers.reserve(freezers.size());
    for (std::size_t i = 0; i < freezers.size(); ++i) {
      const auto& src = freezers[i];
      FreezerState f = freezer_config(src);
      f.failed = src.failed;
      f.damaged = src.damaged;
      f.air_c = table.probe(air_sig[i], now);
      f.payload_c = table.probe(payload_sig[i], now);
      const auto& h = src.history;
      f.compressor = !h.compressor.empty() && h.compressor.back().end_s < 0.0;
      f.door = !h.door.empty() && h.door.back().end_s < 0.0;
      f.alarm = !h.alarm.empty() && h.alarm.back().end_s < 0.0;
      if (with_history) {
        f.history.t_s = h.t_s;
        f.history.air_c = h.air_c;
        f.history.payload_c = h.payload_c;
        // Both temperatures share the grid; keep the arrays the same length.
        const std::size_t n = std::min(f.history.t_s.size(), f.history.payload_c.size());
        f.history.t_s.resize(n);
        f.history.air_c.resize(n);
        f.history.payload_c.resize(n);
        f.history.compressor = closed_at(h.compressor, now_s);
        f.history.door = closed_at(h.door, now_s);
        f.history.alarm = closed_at(h.alarm, now_s);
      }
      s.freezers.push_back(std::move(f));
    }
    const auto& log = model.event_log();
    s.events_total = log.size();
    const std::size_t first = log.size() > event_tail ? log.size() - event_tail : 0;
    s.events.reserve(log.size() - first);
    for (std::size_t i = first; i < log.size(); ++i) {
      const auto& e = log[i];
      s.events.push_back(
          {static_cast<double>(e.at.us - s.start_us) / 1e6, e.kind, e.entity, e.detail});
    }
    for (auto& k : model.result().kpis)
      s.kpis.push_back({std::move(k.name), k.value, std::move(k.unit), std::move(k.description)});
    const auto where = model.technicians_now();
    const auto place = [](const std::string& site, const std::string& room) {
      return room.empty() ? site : site + "/" + room;
    };
    for (const auto& t : techs) {
      TechnicianState c;
      c.id = t.id;
      c.site = t.site;
      c.busy = !t.busy_at.empty() && t.busy_at.back().end_s < 0.0;
      if (with_history) c.busy_at = closed_at(t.busy_at, now_s);
      for (const auto& w : where) {
        if (w.id != t.id) continue;
        c.status = w.status;
        c.ticket = w.ticket;
        c.location = place(w.site, w.room);
        if (!w.to_site.empty()) c.destination = place(w.to_site, w.to_room);
        c.eta_s = w.eta_s;
      }
      s.technicians.push_back(std::move(c));
    }
    // Microgrids: the state now, the history so far; their map nodes take the status colour.
    const auto grids = model.microgrids_now();
    for (std::size_t i = 0; i < grids.size() && i < microgrids.size(); ++i) {
      const auto& g = grids[i];
      MicrogridState m;
      m.site = g.site;
      m.grid_up = g.grid_up;
      m.generator_running = g.generator_running;
      m.soc = g.soc;
      m.capacity_wh = g.capacity_wh;
      m.fuel_l = g.fuel_l;
      m.pv_w = g.pv_w;
      m.pv_used_w = g.pv_used_w;
      m.import_w = g.import_w;
      m.export_w = g.export_w;
      m.generator_w = g.generator_w;
      m.charge_w = g.charge_w;
      m.discharge_w = g.discharge_w;
      m.demand_w = g.demand_w;
      m.served_w = g.served_w;
      m.shed = g.shed;
      if (with_history) {
        const auto& h = microgrids[i];
        m.t_s = h.t_s;
        m.soc_hist = h.soc_hist;
        m.pv_hist = h.pv_hist;
        m.demand_hist = h.demand_hist;
        m.served_hist = h.served_hist;
        m.islanded = closed_at(h.islanded, now_s);
        m.shedding = closed_at(h.shedding, now_s);
      }
      add_microgrid(s, std::move(m));
    }
    // Lots with stock and open orders from the ledger (ids in creation order: deterministic).
    namespace inv = core::inventory;
    const auto& books = model.ledger().state();
    s.has_ledger = true;
    for (std::size_t i = 0; i < books.lot_count(); ++i) {
      const inv::LotId id{static_cast<std::uint32_t>(i)};
      const auto& lot = books.lot(id);
      if (lot.on_hand <= inv::kQtyEpsilon) continue;
      LotRow r;
      r.code = lot.code;
      r.sku = books.item(lot.sku).sku;
      if (books.valid(lot.location)) {
        const auto unit = books.location(lot.location).unit;
        if (books.valid(unit)) r.unit = books.location(unit).code;
      }
      r.quantity = lot.on_hand;
      if (lot.expiry) r.expiry_s = static_cast<double>(lot.expiry->us - s.start_us) / 1e6;
      r.released = lot.qc == inv::QcState::Released;
      s.lots.push_back(std::move(r));
    }
    for (std::size_t i = 0; i < books.po_count(); ++i) {
      const inv::PoId id{static_cast<std::uint32_t>(i)};
      const auto& po = books.po(id);
      // On order: requested .. shipped (as SkuBook::open_pos).
      if (po.state > inv::PoState::Shipped) continue;
      s.open_orders.push_back({"PO-" + std::to_string(i), books.item(po.sku).sku, po.supplier,
                               std::string(inv::to_string(po.state)), po.quantity});
    }
    for (const auto& it : items) {
      ItemLevel l = it;
      const auto st = model.item_status(it.sku);
      l.on_hand = st.on_hand;
      l.available = st.available;
      l.on_order = st.on_order;
      l.backorders = st.backorders;
      s.items.push_back(std::move(l));
    }
    update_dtn(s);
    update_supply(s);
    for (const auto& o : model.dtn_nodes_now())
      for (auto& n : s.dtn.nodes)
        if (n.node == o.node) {
          n.queued_now = static_cast<double>(o.queued);
          n.stored_now = static_cast<double>(o.bytes);
        }
    return s;
  }
};

void add_twin_map(const twin::ScenarioDef& sc, Snapshot& snap) {
  const auto add = [&](const std::string& site, const std::string& part, const char* kind) {
    snap.map_nodes.push_back({site + "/" + part, kind, site + " " + part, 0});
    snap.map_edges.push_back({site, site + "/" + part, "power"});
  };
  // Supply network: suppliers and hubs as nodes, lanes (supplier, hub or site ids) as edges.
  for (const auto& x : sc.supply.suppliers) snap.map_nodes.push_back({x.id, "supplier", x.id, 0});
  for (const auto& h : sc.supply.hubs)
    snap.map_nodes.push_back({h.id, "hub", h.name.empty() ? h.id : h.name, 0});
  for (const auto& l : sc.supply.lanes)
    snap.map_edges.push_back({l.from, l.to, l.open ? "lane" : "lane_closed"});
  for (const auto& m : sc.microgrid.sites) {
    add(m.site, "grid", "grid");
    add(m.site, "pv", "pv");
    add(m.site, "battery", "battery");
    if (m.generator) add(m.site, "generator", "generator");
  }
  // DTN: nodes (relays without a site), each site node linked to its site, one edge per pair
  // of nodes with contacts; the plan expanded as the lab does (passes over the run, then the
  // plan file's contacts), sorted by start.
  const twin::DtnDef& d = sc.dtn;
  if (!d.enabled) return;
  snap.dtn.enabled = true;
  snap.dtn.hq = d.hq;
  for (const auto& n : d.nodes) {
    const std::string id = dtn_map_id(n.node);
    const std::string label = "ipn:" + std::to_string(n.node) + (n.site.empty() ? " relay" : "");
    snap.map_nodes.push_back({id, "dtn_node", label, 0});
    if (!n.site.empty()) snap.map_edges.push_back({n.site, id, "dtn_site"});
    snap.dtn.nodes.push_back({n.node, n.site, static_cast<double>(d.storage), -1.0, -1.0});
  }
  auto contacts = std::make_shared<std::vector<DtnContact>>();
  const double end_s = sc.clock.horizon.seconds();
  for (const auto& p : d.passes) {
    if (p.every <= sim::Time::zero() || p.duration <= sim::Time::zero()) continue;
    for (sim::Time t = p.first; t.seconds() < end_s; t += p.every) {
      const double a = t.seconds(), b = (t + p.duration).seconds();
      contacts->push_back({p.from, p.to, a, b, p.rate});
      if (p.both_ways) contacts->push_back({p.to, p.from, a, b, p.rate});
    }
  }
  for (const auto& c : d.plan)
    contacts->push_back({c.from, c.to, c.start.seconds(), c.end.seconds(), c.rate});
  std::stable_sort(contacts->begin(), contacts->end(),
                   [](const DtnContact& x, const DtnContact& y) { return x.start_s < y.start_s; });
  std::vector<std::pair<std::uint64_t, std::uint64_t>> pairs;
  for (const auto& c : *contacts) {
    const std::pair<std::uint64_t, std::uint64_t> key = std::minmax(c.from, c.to);
    if (std::find(pairs.begin(), pairs.end(), key) != pairs.end()) continue;
    pairs.emplace_back(key);
    snap.map_edges.push_back({dtn_map_id(key.first), dtn_map_id(key.second), "contact"});
  }
  snap.dtn.contacts = std::move(contacts);
}

SimSession::SimSession(const twin::ScenarioDef& scenario, const SessionOptions& options)
    : worker_(std::make_unique<Worker>(scenario, options)), options_(options) {
  if (!(options_.speed >= 0.0) || !std::isfinite(options_.speed))
    throw std::invalid_argument("session speed must be >= 0 (0 = as fast as possible)");
  if (!(options_.max_slice_s > 0.0)) throw std::invalid_argument("session max_slice_s must be > 0");
  auto first = std::make_shared<Snapshot>(worker_->build(true, options_.event_tail));
  first->paused = options_.start_paused;
  first->speed = options_.speed;
  first->version = 1;
  latest_ = first;
  thread_ = std::thread([this] {
    try {
      run_worker();
    } catch (const std::exception& e) {
      publish_error(e.what());
    }
  });
}

SimSession::~SimSession() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void SimSession::publish_error(const std::string& what) {
  {
    std::lock_guard lock(mutex_);
    auto s = std::make_shared<Snapshot>(*latest_);
    s->error = "the model stopped: " + what;
    s->finished = true;
    s->paused = true;
    ++s->version;
    latest_ = std::move(s);
    applied_ = submitted_;  // nothing more will be applied: release waiters
    failed_ = true;
  }
  cv_.notify_all();
}

void SimSession::submit(const Command& command) {
  {
    std::lock_guard lock(mutex_);
    commands_.push_back(command);
    ++submitted_;
    if (failed_) applied_ = submitted_;  // no worker left to apply it
  }
  cv_.notify_all();
}

std::shared_ptr<const Snapshot> SimSession::snapshot() const {
  std::lock_guard lock(mutex_);
  return latest_;
}

std::shared_ptr<const Snapshot> SimSession::keyframe_at(double t_s) const {
  std::lock_guard lock(mutex_);
  const auto it = std::upper_bound(keyframes_.begin(), keyframes_.end(), t_s,
                                   [](double t, const auto& k) { return t < k->now_s; });
  if (it == keyframes_.begin()) return nullptr;
  return *std::prev(it);
}

bool SimSession::wait_until(double t_s, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return cv_.wait_for(lock, timeout, [&] { return latest_->now_s >= t_s || latest_->finished; });
}

bool SimSession::wait_idle(std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return cv_.wait_for(lock, timeout, [&] { return applied_ == submitted_; });
}

void SimSession::run_worker() {
  using Clock = std::chrono::steady_clock;
  Worker& w = *worker_;
  const double horizon_s = seconds_of(w.model.horizon());
  bool paused = options_.start_paused;
  double speed = options_.speed;
  double step_left = 0.0;   // simulated s still to run for kStep
  double jump_target = -1;  // simulated s to reach as fast as possible
  std::uint64_t consumed = 0;
  std::uint64_t version = 1;
  double next_keyframe = 0.0;
  auto last_wall = Clock::now();
  auto last_publish = Clock::now();
  bool dirty = false;
  std::vector<double> keyframe_times;

  const auto publish = [&](bool all_applied) {
    auto s = std::make_shared<Snapshot>(w.build(true, options_.event_tail));
    s->paused = paused;
    s->speed = speed;
    s->version = ++version;
    s->keyframes_s = keyframe_times;
    {
      std::lock_guard lock(mutex_);
      latest_ = std::move(s);
      if (all_applied) applied_ = consumed;
    }
    cv_.notify_all();
    last_publish = Clock::now();
    dirty = false;
  };

  // Keyframes (state without history) on the keyframe grid; slices end on grid times.
  const auto take_keyframe_if_due = [&] {
    const double t = seconds_of(w.model.simulation().now());
    if (options_.keyframe_every_s <= 0.0 || t < next_keyframe) return;
    auto k = std::make_shared<Snapshot>(w.build(false, 0));
    k->paused = paused;
    k->speed = speed;
    keyframe_times.push_back(k->now_s);
    {
      std::lock_guard lock(mutex_);
      keyframes_.push_back(std::move(k));
    }
    while (next_keyframe <= t) next_keyframe += options_.keyframe_every_s;
  };

  for (;;) {
    {
      std::unique_lock lock(mutex_);
      const double now_s = seconds_of(w.model.simulation().now());
      const bool idle = (paused || now_s >= horizon_s) && step_left <= 0.0 && jump_target < 0.0;
      if (idle && commands_.empty() && !stop_) {
        if (dirty || applied_ != consumed) {
          lock.unlock();
          publish(true);
          lock.lock();
        }
        cv_.wait(lock, [&] { return stop_ || !commands_.empty(); });
        last_wall = Clock::now();
      }
      if (stop_) return;
      while (!commands_.empty()) {
        const Command c = commands_.front();
        commands_.pop_front();
        ++consumed;
        switch (c.kind) {
          case Command::Kind::kPlay:
            paused = false;
            break;
          case Command::Kind::kPause:
            paused = true;
            break;
          case Command::Kind::kTogglePause:
            paused = !paused;
            break;
          case Command::Kind::kStep:
            if (c.value > 0.0 && std::isfinite(c.value)) step_left += c.value;
            break;
          case Command::Kind::kSetSpeed:
            if (c.value >= 0.0 && std::isfinite(c.value)) speed = c.value;
            break;
          case Command::Kind::kJumpTo:
            if (std::isfinite(c.value) && c.value > seconds_of(w.model.simulation().now()))
              jump_target = std::min(c.value, horizon_s);
            break;
        }
        dirty = true;
      }
    }

    // How far to go in this slice: a jump or a step first, else the paced run.
    take_keyframe_if_due();
    const double now_s = seconds_of(w.model.simulation().now());
    const auto wall = Clock::now();
    const double wall_dt = std::min(std::chrono::duration<double>(wall - last_wall).count(), 0.25);
    last_wall = wall;
    double target = now_s;
    bool paced = false;
    if (jump_target >= 0.0) {
      target = std::min(jump_target, now_s + options_.max_slice_s);
    } else if (step_left > 0.0) {
      target = now_s + std::min(step_left, options_.max_slice_s);
    } else if (!paused && now_s < horizon_s) {
      paced = speed > 0.0;
      target = now_s + (paced ? speed * wall_dt : options_.max_slice_s);
    }
    target = std::min(target, horizon_s);
    // Microgrid history: slices end on its sample grid (the model has no probe for the past).
    if (!w.microgrids.empty() && w.sample_every_s > 0.0 && target > w.next_mg_sample &&
        now_s < w.next_mg_sample)
      target = w.next_mg_sample;
    // Slices end on keyframe times so that every keyframe is exact.
    if (options_.keyframe_every_s > 0.0 && target > next_keyframe && now_s < next_keyframe)
      target = next_keyframe;
    if (target > now_s) {
      const auto ticks = static_cast<std::int64_t>(std::llround(target * 1e6));
      w.model.run_until(sim::Time{ticks});
      if (w.recorder) w.recorder->flush();  // the history is read from the sink
      w.sample_microgrids();
      const double reached = seconds_of(w.model.simulation().now());
      if (step_left > 0.0) step_left = std::max(0.0, step_left - (reached - now_s));
      if (jump_target >= 0.0 && reached >= jump_target) jump_target = -1.0;
      dirty = true;
    }
    const double reached = seconds_of(w.model.simulation().now());
    take_keyframe_if_due();
    const bool settled = jump_target < 0.0 && step_left <= 0.0;
    const double since_publish = std::chrono::duration<double>(Clock::now() - last_publish).count();
    if (dirty && ((settled && (paused || reached >= horizon_s)) ||
                  since_publish >= 1.0 / std::max(options_.publish_hz, 1e-3)))
      publish(settled);
    if (paced) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

Snapshot compose_view(const Snapshot& latest, const Snapshot& keyframe) {
  Snapshot v = keyframe;
  const double t = keyframe.now_s;
  v.version = latest.version;
  v.paused = latest.paused;
  v.speed = latest.speed;
  v.finished = latest.finished;
  v.keyframes_s = latest.keyframes_s;
  v.live_s = latest.live_s;
  const auto clip = [t](const std::vector<Interval>& src) {
    std::vector<Interval> out;
    for (const auto& i : src) {
      if (i.begin_s > t) break;
      out.push_back({i.begin_s, std::min(i.end_s, t)});
    }
    return out;
  };
  for (std::size_t i = 0; i < v.freezers.size() && i < latest.freezers.size(); ++i) {
    const auto& src = latest.freezers[i].history;
    auto& h = v.freezers[i].history;
    const auto end = std::upper_bound(src.t_s.begin(), src.t_s.end(), t) - src.t_s.begin();
    h.t_s.assign(src.t_s.begin(), src.t_s.begin() + end);
    h.air_c.assign(src.air_c.begin(), src.air_c.begin() + end);
    h.payload_c.assign(src.payload_c.begin(), src.payload_c.begin() + end);
    h.compressor = clip(src.compressor);
    h.door = clip(src.door);
    h.alarm = clip(src.alarm);
  }
  for (std::size_t i = 0; i < v.technicians.size() && i < latest.technicians.size(); ++i)
    v.technicians[i].busy_at = clip(latest.technicians[i].busy_at);
  for (std::size_t i = 0; i < v.microgrids.size() && i < latest.microgrids.size(); ++i) {
    const auto& src = latest.microgrids[i];
    auto& m = v.microgrids[i];
    const auto end = std::upper_bound(src.t_s.begin(), src.t_s.end(), t) - src.t_s.begin();
    m.t_s.assign(src.t_s.begin(), src.t_s.begin() + end);
    m.soc_hist.assign(src.soc_hist.begin(), src.soc_hist.begin() + end);
    m.pv_hist.assign(src.pv_hist.begin(), src.pv_hist.begin() + end);
    m.demand_hist.assign(src.demand_hist.begin(), src.demand_hist.begin() + end);
    m.served_hist.assign(src.served_hist.begin(), src.served_hist.begin() + end);
    m.islanded = clip(src.islanded);
    m.shedding = clip(src.shedding);
  }
  v.events.clear();
  for (const auto& e : latest.events)
    if (e.t_s <= t) v.events.push_back(e);
  return v;
}

}  // namespace labtwin::viz
