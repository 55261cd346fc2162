// Typed extraction (tree -> twin::ScenarioDef), freezer count expansion and cross-references.
#include <algorithm>
#include <charconv>
#include <map>
#include <set>
#include <variant>

#include "labtwin/adapters/schema.hpp"
#include "labtwin/sim/distributions.hpp"
#include "labtwin/sim/units.hpp"
#include "scenario_blocks.hpp"
#include "scenario_detail.hpp"
#include "tree_access.hpp"

namespace labtwin::adapters::detail {
namespace units = sim::units;
namespace {

// ---- Sections --------------------------------------------------------------------------------

twin::FreezerDef freezer(const TreeNode& n) {
  using Q = units::Quantity;
  twin::FreezerDef f;
  f.id = text(&n, "id");
  f.room = text(&n, "room");
  f.setpoint_c = q(&n, "setpoint", Q::temperature, f.setpoint_c);
  f.hysteresis_k = q(&n, "hysteresis", Q::temperature_delta, f.hysteresis_k);
  f.storage_class = text(&n, "storage_class", f.storage_class);
  f.capacity_boxes = integer(&n, "capacity_boxes", f.capacity_boxes);
  f.fill = q(&n, "fill", Q::fraction, f.fill);
  f.sample_value = q(&n, "sample_value", Q::number, f.sample_value);
  f.backup = boolean(&n, "backup", f.backup);
  f.alarm_high_c = q(&n, "alarm_high", Q::temperature, f.alarm_high_c);
  f.alarm_delay = duration(&n, "alarm_delay", f.alarm_delay);
  const TreeNode* m = get(&n, "model");
  f.model.air_heat_capacity_j_per_k = opt_q(m, "air_heat_capacity", Q::heat_capacity);
  f.model.payload_heat_capacity_j_per_k = opt_q(m, "payload_heat_capacity", Q::heat_capacity);
  f.model.ua_air_payload_w_per_k = opt_q(m, "ua_air_payload", Q::conductance);
  f.model.ua_walls_w_per_k = opt_q(m, "ua_walls", Q::conductance);
  f.model.ua_door_w_per_k = opt_q(m, "ua_door", Q::conductance);
  f.model.cooling_power_w = opt_q(m, "cooling_power", Q::power);
  f.model.electrical_power_w = opt_q(m, "electrical_power", Q::power);
  const TreeNode* fail = get(&n, "failure");
  f.failure.time_to_failure = opt_text(fail, "time_to_failure");
  f.failure.repair_time = text(fail, "repair_time", f.failure.repair_time);
  const TreeNode* door = get(&n, "door");
  f.door.openings_per_day = q(door, "openings_per_day", Q::number, f.door.openings_per_day);
  f.door.open_duration = text(door, "open_duration", f.door.open_duration);
  return f;
}

twin::SiteDef site(const TreeNode& n) {
  using Q = units::Quantity;
  twin::SiteDef s;
  s.id = text(&n, "id");
  s.name = text(&n, "name");
  const TreeNode* a = get(&n, "ambient");
  s.ambient.mean_c = q(a, "mean", Q::temperature, s.ambient.mean_c);
  s.ambient.daily_amplitude_k =
      q(a, "daily_amplitude", Q::temperature_delta, s.ambient.daily_amplitude_k);
  s.ambient.peak_hour = q(a, "peak_hour", Q::number, s.ambient.peak_hour);
  for (const auto& r : items(&n, "rooms")) s.rooms.push_back(twin::RoomDef{text(&r, "id")});
  for (const auto& f : items(&n, "freezers")) s.freezers.push_back(freezer(f));
  for (const auto& d : items(&n, "distances")) {
    s.distances.push_back(
        twin::DistanceDef{text(&d, "from"), text(&d, "to"), duration(&d, "time", {})});
  }
  return s;
}

twin::ItemDef item(const TreeNode& n) {
  using Q = units::Quantity;
  using P = twin::InventoryPolicyType;
  twin::ItemDef it;
  it.sku = text(&n, "sku");
  it.name = text(&n, "name");
  it.unit = text(&n, "unit", it.unit);
  it.storage_class = text(&n, "storage_class");
  it.unit_value = q(&n, "unit_value", Q::number, it.unit_value);
  it.shelf_life = opt_duration(&n, "shelf_life");
  if (const TreeNode* d = get(&n, "demand")) {
    twin::DemandDef dd;
    dd.site = text(d, "site");
    dd.rate_per_s = q(d, "rate", Q::rate, 0.0);
    dd.weekend_factor = q(d, "weekend_factor", Q::fraction, dd.weekend_factor);
    dd.distribution = text(d, "distribution", dd.distribution);
    it.demand = dd;
  }
  it.lead_time = opt_text(&n, "lead_time");
  if (const TreeNode* p = get(&n, "policy")) {
    twin::InventoryPolicyDef pd;
    pd.type = enum_value<P>(p, "type",
                            {{"sS", P::sS},
                             {"sQ", P::sQ},
                             {"RS", P::RS},
                             {"RsS", P::RsS},
                             {"base_stock", P::base_stock},
                             {"minmax", P::minmax}},
                            P::sS);
    pd.s = opt_q(p, "s", Q::number);
    pd.S = opt_q(p, "S", Q::number);
    pd.Q = opt_q(p, "Q", Q::number);
    pd.R = opt_duration(p, "R");
    it.policy = pd;
  }
  it.initial = q(&n, "initial", Q::number, it.initial);
  return it;
}

twin::IncidentDef incident(const TreeNode& n) {
  using I = twin::IncidentKind;
  twin::IncidentDef inc;
  const std::string at = text(&n, "at");
  if (const auto abs = units::parse_datetime(at); abs.ok()) {
    inc.absolute = true;
    inc.at_us = abs.value;
  } else {
    inc.at_us = units::parse_duration_ticks(at).value;
  }
  inc.kind = enum_value<I>(&n, "kind",
                           {{"compressor_failure", I::compressor_failure},
                            {"power_loss", I::power_loss},
                            {"door_ajar", I::door_ajar},
                            {"power_restored", I::power_restored}},
                           I::compressor_failure);
  inc.target = text(&n, "target");
  inc.duration = opt_duration(&n, "duration");
  return inc;
}

}  // namespace

void expand_counts(TreeNode& root) {
  TreeNode* sites = root.find("sites");
  if (sites == nullptr || !sites->is_seq()) return;
  for (auto& s : sites->items) {
    TreeNode* freezers = s.is_map() ? s.find("freezers") : nullptr;
    if (freezers == nullptr || !freezers->is_seq()) continue;
    std::vector<TreeNode> expanded;
    for (auto& f : freezers->items) {
      const auto count = opt_int(&f, "count");
      const TreeNode* id = get(&f, "id");
      if (!count || *count <= 1 || *count > 9999 || id == nullptr || !id->is_scalar()) {
        expanded.push_back(std::move(f));
        continue;
      }
      const std::size_t n = static_cast<std::size_t>(*count);
      const std::size_t width = std::max<std::size_t>(2, std::to_string(n).size());
      const std::string base = id->scalar;
      TreeNode proto = f;
      proto.entries.erase(std::remove_if(proto.entries.begin(), proto.entries.end(),
                                         [](const TreeEntry& e) { return e.key == "count"; }),
                          proto.entries.end());
      for (std::size_t i = 1; i <= n; ++i) {
        TreeNode copy = proto;
        copy.find("id")->scalar = base + "-" + pad(i, width);
        expanded.push_back(std::move(copy));
      }
    }
    freezers->items = std::move(expanded);
  }
}

void check_references(const TreeNode& root, std::vector<Diagnostic>& out) {
  std::map<std::string, int> site_ids, freezer_ids, tech_ids, skus;
  std::set<std::string> all_ids, freezers_known, sites_known, shifts_known;
  const auto& sites = items(&root, "sites");
  for (std::size_t i = 0; i < sites.size(); ++i) {
    const TreeNode& s = sites[i];
    const std::string sp = "sites[" + std::to_string(i) + "]";
    unique_id(s, "id", sp, "site", site_ids, out);
    sites_known.insert(text(&s, "id"));
    std::map<std::string, int> room_ids;
    std::set<std::string> rooms_known;
    const auto& rooms = items(&s, "rooms");
    for (std::size_t r = 0; r < rooms.size(); ++r) {
      unique_id(rooms[r], "id", sp + ".rooms[" + std::to_string(r) + "]", "room", room_ids, out);
      rooms_known.insert(text(&rooms[r], "id"));
    }
    all_ids.insert(rooms_known.begin(), rooms_known.end());
    const auto& fz = items(&s, "freezers");
    for (std::size_t f = 0; f < fz.size(); ++f) {
      const std::string fp = sp + ".freezers[" + std::to_string(f) + "]";
      unique_id(fz[f], "id", fp, "freezer", freezer_ids, out);
      freezers_known.insert(text(&fz[f], "id"));
      unknown_ref(get(&fz[f], "room"), fp + ".room", "room", rooms_known, out, sp + ".rooms");
      const double sp_c = q(&fz[f], "setpoint", units::Quantity::temperature, -80.0);
      const TreeNode* alarm = get(&fz[f], "alarm_high");
      if (alarm != nullptr && q(&fz[f], "alarm_high", units::Quantity::temperature, 0) <= sp_c) {
        out.push_back(Diagnostic{alarm->location, Severity::error, fp + ".alarm_high",
                                 "alarm_high must be above the setpoint"});
      }
    }
    const auto& dist = items(&s, "distances");
    for (std::size_t d = 0; d < dist.size(); ++d) {
      const std::string dp = sp + ".distances[" + std::to_string(d) + "]";
      unknown_ref(get(&dist[d], "from"), dp + ".from", "room", rooms_known, out);
      unknown_ref(get(&dist[d], "to"), dp + ".to", "room", rooms_known, out);
    }
  }
  all_ids.insert(sites_known.begin(), sites_known.end());
  all_ids.insert(freezers_known.begin(), freezers_known.end());
  if (const TreeNode* shifts = get(&root, "shifts"); shifts != nullptr && shifts->is_map()) {
    for (const auto& e : shifts->entries) shifts_known.insert(e.key);
  }
  const auto& techs = items(&root, "technicians");
  for (std::size_t i = 0; i < techs.size(); ++i) {
    const std::string tp = "technicians[" + std::to_string(i) + "]";
    unique_id(techs[i], "id", tp, "technician", tech_ids, out);
    all_ids.insert(text(&techs[i], "id"));
    unknown_ref(get(&techs[i], "site"), tp + ".site", "site", sites_known, out);
    unknown_ref(get(&techs[i], "shift"), tp + ".shift", "shift", shifts_known, out);
  }
  const auto& its = items(&root, "items");
  std::set<std::string> skus_known;
  for (std::size_t i = 0; i < its.size(); ++i) {
    const std::string ip = "items[" + std::to_string(i) + "]";
    unique_id(its[i], "sku", ip, "item", skus, out);
    all_ids.insert(text(&its[i], "sku"));
    skus_known.insert(text(&its[i], "sku"));
    const TreeNode* demand = get(&its[i], "demand");
    unknown_ref(get(demand, "site"), ip + ".demand.site", "site", sites_known, out);
    // Which parameters each policy family needs (Silver, Pyke & Thomas, ch. 6-7).
    if (const TreeNode* p = get(&its[i], "policy")) {
      const std::string type = text(p, "type");
      std::vector<std::string> need;
      if (type == "sS" || type == "minmax") need = {"s", "S"};
      if (type == "sQ") need = {"s", "Q"};
      if (type == "RS") need = {"R", "S"};
      if (type == "RsS") need = {"R", "s", "S"};
      if (type == "base_stock") need = {"S"};
      for (const auto& k : need) {
        if (get(p, k) == nullptr) {
          out.push_back(Diagnostic{p->location, Severity::error, ip + ".policy",
                                   "policy type " + type + " needs `" + k + "`"});
        }
      }
      const auto s = opt_q(p, "s", units::Quantity::number);
      const auto S = opt_q(p, "S", units::Quantity::number);
      if (s && S && *s > *S) {
        out.push_back(Diagnostic{get(p, "s")->location, Severity::error, ip + ".policy.s",
                                 "reorder point s must not exceed S"});
      }
    }
  }
  const auto& inc = items(&root, "incidents");
  for (std::size_t i = 0; i < inc.size(); ++i) {
    unknown_ref(get(&inc[i], "target"), "incidents[" + std::to_string(i) + "].target", "target",
                all_ids, out);
  }
  const TreeNode* rescue = get(get(&root, "policies"), "rescue");
  const TreeNode* backups = get(rescue, "backup_units");
  if (backups != nullptr && backups->is_seq()) {
    for (std::size_t i = 0; i < backups->items.size(); ++i) {
      unknown_ref(&backups->items[i], "policies.rescue.backup_units[" + std::to_string(i) + "]",
                  "freezer", freezers_known, out);
    }
  }
  const TreeNode* clock = get(&root, "clock");
  const auto horizon = opt_duration(clock, "horizon");
  const auto warmup = opt_duration(clock, "warmup");
  if (horizon && warmup && *warmup >= *horizon) {
    out.push_back(Diagnostic{get(clock, "warmup")->location, Severity::error, "clock.warmup",
                             "warmup must be shorter than the horizon"});
  }
  // Blocks in their own files (scenario_blocks.hpp) check against these.
  const KnownIds known{sites_known, freezers_known, shifts_known, skus_known, all_ids};
  check_instruments(root, known, out);
  check_supply(root, known, out);
  check_microgrid(root, known, out);
  check_dtn(root, known, out);
}

twin::ScenarioDef extract_scenario(const TreeNode& root) {
  using Q = units::Quantity;
  twin::ScenarioDef sc;
  sc.version = integer(&root, "labtwin", 1);
  const TreeNode* meta = get(&root, "meta");
  sc.meta.name = text(meta, "name");
  sc.meta.description = text(meta, "description");
  sc.meta.tags = strings(meta, "tags");
  if (const TreeNode* seed = get(&root, "seed"); seed != nullptr && seed->is_scalar()) {
    std::uint64_t v = 1;
    std::string_view t = seed->scalar;
    if (!t.empty() && t.front() == '+') t.remove_prefix(1);
    std::from_chars(t.data(), t.data() + t.size(), v);
    sc.seed = v;
  }
  const TreeNode* clock = get(&root, "clock");
  if (const auto start = opt_text(clock, "start")) {
    sc.clock.start_us = units::parse_datetime(*start).value;
  }
  sc.clock.horizon = duration(clock, "horizon", {});
  sc.clock.warmup = duration(clock, "warmup", {});
  if (const auto off = opt_text(clock, "utc_offset")) {
    sc.clock.utc_offset_s = units::parse_utc_offset(*off).value;
  }
  for (const auto& s : items(&root, "sites")) sc.sites.push_back(site(s));
  for (const auto& t : items(&root, "technicians")) {
    twin::TechnicianDef td;
    td.id = text(&t, "id");
    td.site = text(&t, "site");
    td.skills = strings(&t, "skills");
    td.shift = text(&t, "shift");
    td.on_call = boolean(&t, "on_call", td.on_call);
    td.callout_delay = duration(&t, "callout_delay", td.callout_delay);
    td.count = integer(&t, "count", td.count);
    sc.technicians.push_back(std::move(td));
  }
  if (const TreeNode* shifts = get(&root, "shifts"); shifts != nullptr && shifts->is_map()) {
    for (const auto& e : shifts->entries) {
      twin::ShiftDef sd;
      sd.name = e.key;
      for (const auto& d : strings(&e.value, "days"))
        sd.days.push_back(units::parse_weekday(d).value);
      sd.start_s = units::parse_clock_time(text(&e.value, "start")).value;
      sd.end_s = units::parse_clock_time(text(&e.value, "end")).value;
      sc.shifts.push_back(std::move(sd));
    }
  }
  const TreeNode* travel = get(&root, "travel");
  sc.travel.walk_speed_m_per_s = opt_q(travel, "walk_speed", Q::number);
  sc.travel.site_travel_time = opt_duration(travel, "site_travel_time");
  for (const auto& i : items(&root, "items")) sc.items.push_back(item(i));
  for (const auto& i : items(&root, "incidents")) sc.incidents.push_back(incident(i));
  extract_instruments(root, sc);
  extract_supply(root, sc);
  extract_microgrid(root, sc);
  extract_dtn(root, sc);
  const TreeNode* pol = get(&root, "policies");
  using D = twin::DispatchPolicy;
  using P = twin::PickingPolicy;
  sc.policies.dispatch = enum_value<D>(pol, "dispatch",
                                       {{"priority_fifo", D::priority_fifo},
                                        {"edf", D::edf},
                                        {"nearest", D::nearest},
                                        {"optimal", D::optimal}},
                                       D::priority_fifo);
  sc.policies.picking =
      enum_value<P>(pol, "picking", {{"fefo", P::fefo}, {"fifo", P::fifo}}, P::fefo);
  const TreeNode* rescue = get(pol, "rescue");
  sc.policies.rescue.enabled = boolean(rescue, "enabled", true);
  sc.policies.rescue.backup_units = strings(rescue, "backup_units");
  const TreeNode* tel = get(&root, "telemetry");
  sc.telemetry.file = opt_text(tel, "file");
  for (const auto& m : items(tel, "mapping")) {
    sc.telemetry.mapping.push_back(
        twin::TelemetryMappingDef{text(&m, "sensor"), text(&m, "target"), text(&m, "signal")});
  }
  const TreeNode* gaps = get(tel, "gaps");
  sc.telemetry.gap_mode = text(gaps, "mode", sc.telemetry.gap_mode);
  sc.telemetry.max_gap = opt_duration(gaps, "max_gap");
  sc.telemetry.disorder = text(tel, "disorder", sc.telemetry.disorder);
  const TreeNode* outs = get(&root, "outputs");
  sc.outputs.dir = opt_text(outs, "dir");
  for (const auto& s : items(outs, "series")) {
    sc.outputs.series.push_back(twin::SeriesDef{text(&s, "entity"), text(&s, "signal"),
                                                text(&s, "policy", "on_change"),
                                                opt_duration(&s, "every")});
  }
  if (const TreeNode* ex = get(&root, "expect"); ex != nullptr && ex->is_map()) {
    for (const auto& e : ex->entries) {
      sc.expect.push_back(
          twin::ExpectDef{e.key, e.value.is_scalar() ? e.value.scalar : std::string()});
    }
  }
  for (const auto& v : items(&root, "variants")) {
    twin::VariantDef vd;
    vd.name = text(&v, "name");
    vd.description = text(&v, "description");
    if (const TreeNode* set = get(&v, "set"); set != nullptr && set->is_map()) {
      for (const auto& e : set->entries) vd.set.emplace_back(e.key, to_yaml_text(e.value));
    }
    sc.variants.push_back(std::move(vd));
  }
  if (const TreeNode* sw = get(&root, "sweep")) {
    twin::SweepDef sd;
    for (const auto& p : items(sw, "parameters")) {
      twin::SweepParameterDef pd;
      pd.path = text(&p, "path");
      for (const auto& v : items(&p, "values")) pd.values.push_back(to_yaml_text(v));
      const TreeNode* range = get(&p, "range");
      pd.range_from = opt_q(range, "from", Q::number);
      pd.range_to = opt_q(range, "to", Q::number);
      pd.range_step = opt_q(range, "step", Q::number);
      sd.parameters.push_back(std::move(pd));
    }
    sd.design = text(sw, "design", sd.design);
    sd.points = integer(sw, "points", 0);
    sc.sweep = std::move(sd);
  }
  return sc;
}

}  // namespace labtwin::adapters::detail
