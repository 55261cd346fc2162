// Reads a results.h5 into viz::Recording: the HDF5 tables with the C API, the series with
// adapters::read_telemetry_h5, the configuration from the scenario text stored in /meta.
#ifdef LABTWIN_HAS_GUI
#include "gui_recording.hpp"

#if __has_include(<hdf5.h>)
#include <hdf5.h>
#else
#include <hdf5/serial/hdf5.h>  // Debian's serial HDF5 (the adapters keep its include dir private)
#endif

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <limits>
#include <string_view>

#include "labtwin/adapters/scenario_loader.hpp"
#include "labtwin/adapters/telemetry.hpp"
#include "labtwin/twin/lab_model.hpp"
#include "labtwin/viz/sim_session.hpp"

namespace labtwin::cli {
namespace {

// Owns an HDF5 id and closes it with `close` on every path.
class Handle {
 public:
  Handle(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  ~Handle() {
    if (id_ >= 0) close_(id_);
  }
  Handle(Handle&& o) noexcept : id_(o.id_), close_(o.close_) { o.id_ = -1; }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  Handle& operator=(Handle&&) = delete;
  hid_t get() const { return id_; }
  bool ok() const { return id_ >= 0; }

 private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

// A variable-length UTF-8 string type for reading.
Handle vlen_string_type() {
  Handle t(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(t.get(), H5T_VARIABLE);
  H5Tset_cset(t.get(), H5T_CSET_UTF8);
  return t;
}

struct Reader {
  std::string file;

  [[noreturn]] void fail(const std::string& object, const std::string& what) const {
    throw RecordingError(file + ": error: " + (object.empty() ? "" : object + ": ") + what);
  }

  std::string string_attr(hid_t obj, const char* name, const std::string& where) const {
    if (H5Aexists(obj, name) <= 0) fail(where, std::string("no '") + name + "' attribute");
    Handle a(H5Aopen(obj, name, H5P_DEFAULT), H5Aclose);
    Handle ft(H5Aget_type(a.get()), H5Tclose);
    if (!a.ok() || H5Tget_class(ft.get()) != H5T_STRING)
      fail(where + "@" + name, "expected a string attribute");
    if (H5Tis_variable_str(ft.get()) > 0) {
      Handle mt = vlen_string_type();
      char* p = nullptr;
      if (H5Aread(a.get(), mt.get(), &p) < 0) fail(where + "@" + name, "cannot read");
      std::string out = p ? p : "";
      H5free_memory(p);
      return out;
    }
    const std::size_t n = H5Tget_size(ft.get());
    std::string out(n, '\0');
    if (H5Aread(a.get(), ft.get(), out.data()) < 0) fail(where + "@" + name, "cannot read");
    out.resize(std::min(out.find('\0'), out.size()));
    return out;
  }

  template <class T>
  T number_attr(hid_t obj, const char* name, hid_t mem_type, const std::string& where) const {
    if (H5Aexists(obj, name) <= 0) fail(where, std::string("no '") + name + "' attribute");
    Handle a(H5Aopen(obj, name, H5P_DEFAULT), H5Aclose);
    T v{};
    if (!a.ok() || H5Aread(a.get(), mem_type, &v) < 0)
      fail(where + "@" + name, "expected a numeric attribute");
    return v;
  }

  std::string string_dataset(hid_t loc, const char* name, const std::string& where) const {
    if (H5Lexists(loc, name, H5P_DEFAULT) <= 0) fail(where, std::string("no '") + name + "'");
    Handle d(H5Dopen2(loc, name, H5P_DEFAULT), H5Dclose);
    Handle mt = vlen_string_type();
    char* p = nullptr;
    if (!d.ok() || H5Dread(d.get(), mt.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, &p) < 0)
      fail(where + "/" + name, "expected a variable-length string");
    std::string out = p ? p : "";
    H5free_memory(p);
    return out;
  }

  // Reads a 1-D compound table into `rows` through the memory type `mt`.
  template <class Row>
  std::vector<Row> table(hid_t f, const char* name, hid_t mt, const char* fields) const {
    const std::string obj = std::string("/") + name;
    if (H5Lexists(f, name, H5P_DEFAULT) <= 0)
      fail(obj, "no such table (not a labtwin results file?)");
    Handle d(H5Dopen2(f, name, H5P_DEFAULT), H5Dclose);
    if (!d.ok()) fail(obj, "not a dataset");
    Handle space(H5Dget_space(d.get()), H5Sclose);
    const hssize_t n = H5Sget_simple_extent_npoints(space.get());
    if (n < 0) fail(obj, "cannot read its size");
    std::vector<Row> rows(static_cast<std::size_t>(n));
    if (n > 0 && H5Dread(d.get(), mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, rows.data()) < 0)
      fail(obj, std::string("expected a compound table with fields ") + fields);
    return rows;
  }
};

// Step values (> 0.5 on) as intervals; one still open at the end closes at `end_s`.
std::vector<viz::Interval> intervals_of(const adapters::TelemetrySeries* s, std::int64_t start_us,
                                        double end_s) {
  std::vector<viz::Interval> out;
  if (!s) return out;
  bool open = false;
  for (std::size_t i = 0; i < s->t_us.size(); ++i) {
    const double t = static_cast<double>(s->t_us[i] - start_us) / 1e6;
    if (s->value[i] > 0.5 && !open) out.push_back({t, end_s}), open = true;
    if (s->value[i] <= 0.5 && open) out.back().end_s = t, open = false;
  }
  return out;
}

viz::StepSeries step_of(const adapters::TelemetrySeries* s, std::int64_t start_us) {
  viz::StepSeries out;
  if (!s) return out;
  out.t_s.reserve(s->t_us.size());
  for (auto t : s->t_us) out.t_s.push_back(static_cast<double>(t - start_us) / 1e6);
  out.v = s->value;
  return out;
}

// The scenario stored in /meta, with its variant applied; nullopt (and a warning) when it
// does not load, e.g. an include that is no longer where the run found it.
std::optional<twin::ScenarioDef> stored_scenario(const std::string& text, const std::string& path,
                                                 const std::string& variant,
                                                 std::vector<std::string>& warnings,
                                                 std::optional<adapters::TreeNode>& tree) {
  auto lr = adapters::load_scenario_string(text, path.empty() ? "scenario.yaml" : path);
  if (lr.ok() && !variant.empty() && lr.tree) {
    const auto specs = adapters::variants_of(*lr.tree);
    const auto it =
        std::find_if(specs.begin(), specs.end(), [&](const auto& v) { return v.name == variant; });
    if (it == specs.end()) {
      warnings.push_back("the stored scenario has no variant '" + variant + "'");
      return std::nullopt;
    }
    try {
      lr = adapters::build_scenario(adapters::apply_variant(*lr.tree, *it));
    } catch (const std::exception& e) {
      warnings.push_back(std::string("variant '") + variant + "': " + e.what());
      return std::nullopt;
    }
  }
  if (!lr.ok()) {
    std::string why = lr.diagnostics.empty() ? "" : ": " + adapters::format(lr.diagnostics[0]);
    warnings.push_back("the scenario stored in /meta/scenario_text does not load" + why);
    return std::nullopt;
  }
  tree = std::move(lr.tree);
  return std::move(lr.scenario);
}

}  // namespace

bool is_hdf5_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  char sig[8] = {};
  if (!in.read(sig, 8)) return false;
  return std::string_view(sig, 8) == std::string_view("\x89HDF\r\n\x1a\n", 8);
}

LoadedRecording read_recording(const std::filesystem::path& path) {
  Reader r{path.string()};
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) r.fail("", "no such file");
  if (!is_hdf5_file(path)) r.fail("", "not an HDF5 file (no HDF5 signature)");
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // errors become messages, not stderr dumps
  Handle f(H5Fopen(r.file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (!f.ok()) r.fail("", "cannot open the HDF5 file (truncated or corrupt?)");

  // /meta: what ran, when it started, how long.
  if (H5Lexists(f.get(), "meta", H5P_DEFAULT) <= 0)
    r.fail("/meta",
           "no /meta group (not a labtwin results file: `labtwin run --out DIR` writes "
           "DIR/results.h5)");
  Handle meta(H5Gopen2(f.get(), "meta", H5P_DEFAULT), H5Gclose);
  if (!meta.ok()) r.fail("/meta", "not a group");
  const std::string name = r.string_attr(meta.get(), "scenario_name", "/meta");
  const std::string scenario_path = r.string_attr(meta.get(), "scenario_path", "/meta");
  const std::string variant = r.string_attr(meta.get(), "variant", "/meta");
  const auto start_us =
      r.number_attr<std::int64_t>(meta.get(), "start_us", H5T_NATIVE_INT64, "/meta");
  const auto horizon_s = r.number_attr<double>(meta.get(), "horizon_s", H5T_NATIVE_DOUBLE, "/meta");
  if (!(horizon_s > 0.0) || !std::isfinite(horizon_s))
    r.fail("/meta@horizon_s", "must be a positive number of seconds");
  const std::string text = r.string_dataset(meta.get(), "scenario_text", "/meta");

  // /kpi and /events.
  struct KpiRow {
    char* name;
    double value;
    char* unit;
    char* description;
  };
  struct EventRow {
    std::int64_t time;
    char* kind;
    char* entity;
    char* detail;
  };
  Handle str = vlen_string_type();
  Handle kt(H5Tcreate(H5T_COMPOUND, sizeof(KpiRow)), H5Tclose);
  H5Tinsert(kt.get(), "name", offsetof(KpiRow, name), str.get());
  H5Tinsert(kt.get(), "value", offsetof(KpiRow, value), H5T_NATIVE_DOUBLE);
  H5Tinsert(kt.get(), "unit", offsetof(KpiRow, unit), str.get());
  H5Tinsert(kt.get(), "description", offsetof(KpiRow, description), str.get());
  Handle et(H5Tcreate(H5T_COMPOUND, sizeof(EventRow)), H5Tclose);
  H5Tinsert(et.get(), "time", offsetof(EventRow, time), H5T_NATIVE_INT64);
  H5Tinsert(et.get(), "kind", offsetof(EventRow, kind), str.get());
  H5Tinsert(et.get(), "entity", offsetof(EventRow, entity), str.get());
  H5Tinsert(et.get(), "detail", offsetof(EventRow, detail), str.get());
  const auto s_of = [](const char* p) { return std::string(p ? p : ""); };
  auto kpis = r.table<KpiRow>(f.get(), "kpi", kt.get(), "name, value, unit, description");
  auto events = r.table<EventRow>(f.get(), "events", et.get(), "time, kind, entity, detail");

  auto rec = std::make_shared<viz::Recording>();
  viz::Snapshot& run = rec->run;
  run.scenario = name;
  run.source = path.filename().string();
  run.start_us = start_us;
  run.horizon_s = horizon_s;
  run.now_s = run.live_s = horizon_s;
  run.finished = true;
  run.kpis_final = true;
  for (auto& k : kpis) {
    run.kpis.push_back({s_of(k.name), k.value, s_of(k.unit), s_of(k.description)});
    H5free_memory(k.name), H5free_memory(k.unit), H5free_memory(k.description);
  }
  for (auto& e : events) {
    run.events.push_back({static_cast<double>(e.time - start_us) / 1e6, s_of(e.kind),
                          s_of(e.entity), s_of(e.detail)});
    H5free_memory(e.kind), H5free_memory(e.entity), H5free_memory(e.detail);
  }
  std::stable_sort(run.events.begin(), run.events.end(),
                   [](const auto& a, const auto& b) { return a.t_s < b.t_s; });
  run.events_total = run.events.size();
  // /ledger (optional: files without it show no lots): lots and orders are folded per time.
  struct LedgerRowH5 {
    std::uint64_t seq;
    std::int64_t time;
    char* kind;
    char* entity;
    double quantity;
    char* detail;
  };
  std::vector<viz::LedgerRow> ledger;
  const bool has_ledger = H5Lexists(f.get(), "ledger", H5P_DEFAULT) > 0;
  if (has_ledger) {
    Handle lt(H5Tcreate(H5T_COMPOUND, sizeof(LedgerRowH5)), H5Tclose);
    H5Tinsert(lt.get(), "seq", offsetof(LedgerRowH5, seq), H5T_NATIVE_UINT64);
    H5Tinsert(lt.get(), "time", offsetof(LedgerRowH5, time), H5T_NATIVE_INT64);
    H5Tinsert(lt.get(), "kind", offsetof(LedgerRowH5, kind), str.get());
    H5Tinsert(lt.get(), "entity", offsetof(LedgerRowH5, entity), str.get());
    H5Tinsert(lt.get(), "quantity", offsetof(LedgerRowH5, quantity), H5T_NATIVE_DOUBLE);
    H5Tinsert(lt.get(), "detail", offsetof(LedgerRowH5, detail), str.get());
    auto rows = r.table<LedgerRowH5>(f.get(), "ledger", lt.get(),
                                     "seq, time, kind, entity, quantity, detail");
    // In seq order (the ledger's own order; times never decrease along it).
    std::stable_sort(rows.begin(), rows.end(),
                     [](const auto& a, const auto& b) { return a.seq < b.seq; });
    ledger.reserve(rows.size());
    for (auto& e : rows) {
      ledger.push_back({static_cast<double>(e.time - start_us) / 1e6, s_of(e.kind), s_of(e.entity),
                        e.quantity, s_of(e.detail)});
      H5free_memory(e.kind), H5free_memory(e.entity), H5free_memory(e.detail);
    }
  }

  // The series (validated by the telemetry reader: lengths, finite values, time order).
  adapters::TelemetrySet set;
  try {
    set = adapters::read_telemetry_h5(path);
  } catch (const adapters::TelemetryError& e) {
    throw RecordingError(e.what());
  }
  const auto series = [&](const std::string& entity, const char* signal) {
    return set.find(entity + "/" + signal);
  };
  const auto seconds = [&](std::int64_t t_us) {
    return static_cast<double>(t_us - start_us) / 1e6;
  };

  LoadedRecording out;
  out.scenario = stored_scenario(text, scenario_path, variant, out.warnings, out.tree);
  // Entities by the signals they recorded (sorted: the set is sorted by id).
  std::vector<std::string> freezer_ids, tech_ids, skus;
  for (const auto& s : set.series) {
    const auto slash = s.sensor.rfind('/');
    if (slash == std::string::npos) continue;
    const std::string entity = s.sensor.substr(0, slash), signal = s.sensor.substr(slash + 1);
    if (signal == "air_temperature") freezer_ids.push_back(entity);
    if (signal == "busy") tech_ids.push_back(entity);
    if (signal == "on_hand") skus.push_back(entity);
  }

  // Configuration: from the stored scenario, else only what the series name.
  const double nan = std::numeric_limits<double>::quiet_NaN();
  if (out.scenario) {
    const auto& sc = *out.scenario;
    run.utc_offset_s = sc.clock.utc_offset_s;
    for (const auto& s : sc.sites) {
      viz::SiteInfo si{s.id, s.name, {}};
      for (const auto& room : s.rooms) si.rooms.push_back(room.id);
      run.sites.push_back(std::move(si));
      for (const auto& fd : s.freezers) {
        const auto p = twin::freezer_params_of(fd);
        viz::FreezerState st;
        st.id = fd.id;
        st.site = s.id;
        st.room = fd.room;
        st.setpoint_c = fd.setpoint_c;
        st.alarm_high_c = fd.alarm_high_c;
        st.damage_c =
            p.damage_limits.empty() ? fd.alarm_high_c : p.damage_limits[0].payload_limit_c;
        st.backup = fd.backup;
        run.freezers.push_back(std::move(st));
      }
    }
    viz::add_twin_map(sc, run);
    for (const auto& it : sc.items) {
      viz::ItemLevel l;
      l.sku = it.sku;
      l.name = it.name;
      if (it.policy) {
        l.reorder_point = it.policy->s.value_or(-1.0);
        l.order_up_to = it.policy->S.value_or(-1.0);
      }
      run.items.push_back(std::move(l));
    }
  } else {
    for (const auto& id : freezer_ids) {
      viz::FreezerState st;
      st.id = id;
      st.setpoint_c = st.alarm_high_c = st.damage_c = nan;  // unknown: no limit lines
      run.freezers.push_back(std::move(st));
    }
    for (const auto& sku : skus) {
      viz::ItemLevel l;
      l.sku = l.name = sku;
      run.items.push_back(std::move(l));
    }
  }

  // Freezer histories; payload samples are put on the air samples' times when they differ.
  for (auto& fz : run.freezers) {
    auto& h = fz.history;
    const auto* air = series(fz.id, "air_temperature");
    const auto* pay = series(fz.id, "payload_temperature");
    if (air) {
      for (auto t : air->t_us) h.t_s.push_back(seconds(t));
      h.air_c = air->value;
    }
    if (air && pay) {
      if (pay->t_us == air->t_us) {
        h.payload_c = pay->value;
      } else {
        std::vector<double> pt;
        for (auto t : pay->t_us) pt.push_back(seconds(t));
        for (double t : h.t_s) h.payload_c.push_back(viz::interpolate_at(pt, pay->value, t));
      }
    } else {
      h.payload_c.assign(h.t_s.size(), nan);
    }
    h.compressor = intervals_of(series(fz.id, "compressor"), start_us, horizon_s);
    h.door = intervals_of(series(fz.id, "door"), start_us, horizon_s);
    h.alarm = intervals_of(series(fz.id, "alarm"), start_us, horizon_s);
  }
  // Technicians in the scenario's order (as the live view lists them), else by id.
  if (out.scenario) {
    const auto& defs = out.scenario->technicians;
    const auto rank = [&](const std::string& id) {
      for (std::size_t i = 0; i < defs.size(); ++i)
        if (id == defs[i].id || id.rfind(defs[i].id + "-", 0) == 0) return i;
      return defs.size();
    };
    std::stable_sort(tech_ids.begin(), tech_ids.end(),
                     [&](const auto& a, const auto& b) { return rank(a) < rank(b); });
  }
  for (const auto& id : tech_ids) {
    viz::TechnicianState t;
    t.id = id;
    if (out.scenario)
      for (const auto& d : out.scenario->technicians)
        if (id == d.id || id.rfind(d.id + "-", 0) == 0) t.site = d.site;
    t.busy_at = intervals_of(series(id, "busy"), start_us, horizon_s);
    run.technicians.push_back(std::move(t));
  }
  for (const auto& l : run.items) {
    viz::ItemHistory ih;
    ih.on_hand = step_of(series(l.sku, "on_hand"), start_us);
    ih.available = step_of(series(l.sku, "available"), start_us);
    ih.on_order = step_of(series(l.sku, "on_order"), start_us);
    ih.backorders = step_of(series(l.sku, "backorders"), start_us);
    rec->items.push_back(std::move(ih));
  }
  // Site microgrids: the sites with recorded `microgrid_soc`, in the scenario's order.
  std::vector<std::string> grid_sites;
  for (const auto& s : set.series) {
    const auto slash = s.sensor.rfind('/');
    if (slash != std::string::npos && s.sensor.substr(slash + 1) == "microgrid_soc")
      grid_sites.push_back(s.sensor.substr(0, slash));
  }
  if (out.scenario) {
    std::vector<std::string> ordered;
    for (const auto& d : out.scenario->microgrid.sites)
      if (std::find(grid_sites.begin(), grid_sites.end(), d.site) != grid_sites.end())
        ordered.push_back(d.site);
    grid_sites = std::move(ordered);
  }
  for (const auto& site : grid_sites) {
    viz::MicrogridHistory h;
    h.site = site;
    if (out.scenario)
      for (const auto& d : out.scenario->microgrid.sites)
        if (d.site == site) h.capacity_wh = d.battery.capacity_kwh * 1000.0;
    h.soc = step_of(series(site, "microgrid_soc"), start_us);
    h.pv = step_of(series(site, "microgrid_pv"), start_us);
    h.demand = step_of(series(site, "microgrid_demand"), start_us);
    h.served = step_of(series(site, "microgrid_served"), start_us);
    h.import_w = step_of(series(site, "microgrid_import"), start_us);
    h.islanded = intervals_of(series(site, "microgrid_islanded"), start_us, horizon_s);
    h.shedding = intervals_of(series(site, "microgrid_shedding"), start_us, horizon_s);
    rec->microgrids.push_back(std::move(h));
  }
  if (run.freezers.empty() && run.technicians.empty() && run.items.empty() && run.events.empty())
    r.fail("/series", "nothing to show: no freezer, technician or item series and no events");
  rec->ledger = std::move(ledger);
  rec->has_ledger = has_ledger;
  out.recording = std::move(rec);
  return out;
}

}  // namespace labtwin::cli
#endif  // LABTWIN_HAS_GUI
