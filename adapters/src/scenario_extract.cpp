// Typed extraction (tree -> twin::ScenarioDef), freezer count expansion and cross-references.
#include <algorithm>
#include <charconv>
#include <map>
#include <set>
#include <variant>

#include "labtwin/adapters/schema.hpp"
#include "labtwin/sim/distributions.hpp"
#include "labtwin/sim/units.hpp"
#include "scenario_detail.hpp"

namespace labtwin::adapters::detail {
namespace units = sim::units;
namespace {

// ---- Accessors for a validated tree (absent or null -> default) -----------------------------

const TreeNode* get(const TreeNode* map, std::string_view key) {
  if (map == nullptr || !map->is_map()) return nullptr;
  const TreeNode* v = map->find(key);
  return (v != nullptr && v->type != TreeNode::Type::null) ? v : nullptr;
}

std::string text(const TreeNode* map, std::string_view key, std::string fallback = {}) {
  const TreeNode* v = get(map, key);
  return (v != nullptr && v->is_scalar()) ? v->scalar : fallback;
}

std::optional<std::string> opt_text(const TreeNode* map, std::string_view key) {
  const TreeNode* v = get(map, key);
  if (v == nullptr || !v->is_scalar()) return std::nullopt;
  return v->scalar;
}

std::optional<double> opt_q(const TreeNode* map, std::string_view key, units::Quantity q) {
  const TreeNode* v = get(map, key);
  if (v == nullptr || !v->is_scalar()) return std::nullopt;
  const auto r = units::parse_quantity(q, v->scalar);
  if (!r.ok()) return std::nullopt;
  return r.value;
}

double q(const TreeNode* map, std::string_view key, units::Quantity qk, double fallback) {
  return opt_q(map, key, qk).value_or(fallback);
}

std::optional<sim::Time> opt_duration(const TreeNode* map, std::string_view key) {
  const TreeNode* v = get(map, key);
  if (v == nullptr || !v->is_scalar()) return std::nullopt;
  const auto r = units::parse_duration_ticks(v->scalar);
  if (!r.ok()) return std::nullopt;
  return sim::Time{r.value};
}

sim::Time duration(const TreeNode* map, std::string_view key, sim::Time fallback) {
  return opt_duration(map, key).value_or(fallback);
}

std::optional<std::int64_t> opt_int(const TreeNode* map, std::string_view key) {
  const TreeNode* v = get(map, key);
  if (v == nullptr || !v->is_scalar()) return std::nullopt;
  std::string_view t = v->scalar;
  if (!t.empty() && t.front() == '+') t.remove_prefix(1);
  std::int64_t out = 0;
  const auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), out);
  if (ec != std::errc{} || p != t.data() + t.size()) return std::nullopt;
  return out;
}

int integer(const TreeNode* map, std::string_view key, int fallback) {
  const auto v = opt_int(map, key);
  return v ? static_cast<int>(*v) : fallback;
}

bool boolean(const TreeNode* map, std::string_view key, bool fallback) {
  const TreeNode* v = get(map, key);
  if (v == nullptr || !v->is_scalar()) return fallback;
  const std::string& s = v->scalar;
  return s == "true" || s == "True" || s == "TRUE" || s == "yes" || s == "on";
}

std::vector<std::string> strings(const TreeNode* map, std::string_view key) {
  std::vector<std::string> out;
  const TreeNode* v = get(map, key);
  if (v == nullptr) return out;
  if (v->is_scalar()) out.push_back(v->scalar);
  for (const auto& item : v->items) {
    if (item.is_scalar()) out.push_back(item.scalar);
  }
  return out;
}

const std::vector<TreeNode>& items(const TreeNode* map, std::string_view key) {
  static const std::vector<TreeNode> kEmpty;
  const TreeNode* v = get(map, key);
  return (v != nullptr && v->is_seq()) ? v->items : kEmpty;
}

template <class E>
E enum_value(const TreeNode* map, std::string_view key,
             std::initializer_list<std::pair<std::string_view, E>> values, E fallback) {
  const std::string s = text(map, key);
  for (const auto& [name, e] : values) {
    if (s == name) return e;
  }
  return fallback;
}

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

std::string pad(std::size_t i, std::size_t width) {
  std::string s = std::to_string(i);
  if (s.size() < width) s.insert(0, width - s.size(), '0');
  return s;
}

/// Reports an id already seen in `seen` (first location kept).
void unique_id(const TreeNode& item, std::string_view key, const std::string& path,
               std::string_view what, std::map<std::string, int>& seen,
               std::vector<Diagnostic>& out) {
  const TreeNode* v = get(&item, key);
  if (v == nullptr || !v->is_scalar()) return;
  const auto [it, inserted] = seen.emplace(v->scalar, v->location.line);
  if (!inserted) {
    out.push_back(Diagnostic{v->location, Severity::error, path + "." + std::string(key),
                             "duplicate " + std::string(what) + " id `" + v->scalar +
                                 "` (first at line " + std::to_string(it->second) + ")"});
  }
}

void unknown_ref(const TreeNode* v, const std::string& path, const std::string& what,
                 const std::set<std::string>& known, std::vector<Diagnostic>& out,
                 const std::string& where = {}) {
  if (v == nullptr || !v->is_scalar() || known.count(v->scalar) != 0) return;
  std::string msg = "unknown " + what + " `" + v->scalar + "`";
  if (!where.empty()) msg += " (not in " + where + ")";
  const std::string near =
      closest_match(v->scalar, std::vector<std::string>(known.begin(), known.end()));
  if (!near.empty()) msg += "; did you mean `" + near + "`?";
  out.push_back(Diagnostic{v->location, Severity::error, path, std::move(msg)});
}

twin::InstrumentTypeDef instrument_type(const TreeNode& n) {
  using Q = units::Quantity;
  twin::InstrumentTypeDef t;
  t.id = text(&n, "id");
  t.site = text(&n, "site");
  t.room = text(&n, "room");
  t.count = integer(&n, "count", t.count);
  t.hours = text(&n, "hours");
  const TreeNode* b = get(&n, "booking");
  twin::BookingRulesDef& r = t.booking;
  r.min_slot = duration(b, "min_slot", r.min_slot);
  r.max_slot = duration(b, "max_slot", r.max_slot);
  r.granularity = duration(b, "granularity", r.granularity);
  r.book_ahead = duration(b, "book_ahead", r.book_ahead);
  r.weekly_quota = duration(b, "weekly_quota", r.weekly_quota);
  r.quota_scope = text(b, "quota_scope", r.quota_scope);
  r.needs_approval = boolean(b, "needs_approval", r.needs_approval);
  r.late_cancel_cutoff = duration(b, "late_cancel_cutoff", r.late_cancel_cutoff);
  r.check_in_early = duration(b, "check_in_early", r.check_in_early);
  r.no_show_grace = duration(b, "no_show_grace", r.no_show_grace);
  const TreeNode* d = get(&n, "demand");
  twin::InstrumentDemandDef& dm = t.demand;
  dm.rate_per_s = q(d, "rate", Q::rate, dm.rate_per_s);
  dm.run_time = text(d, "run_time", dm.run_time);
  dm.lead_time = text(d, "lead_time", dm.lead_time);
  dm.instant = boolean(d, "instant", dm.instant);
  dm.cancel_probability = q(d, "cancel_probability", Q::fraction, dm.cancel_probability);
  dm.no_show_probability = q(d, "no_show_probability", Q::fraction, dm.no_show_probability);
  dm.users = integer(d, "users", dm.users);
  dm.projects = integer(d, "projects", dm.projects);
  const TreeNode* f = get(&n, "failure");
  t.failure.time_to_failure = opt_text(f, "time_to_failure");
  t.failure.repair_time = text(f, "repair_time", t.failure.repair_time);
  if (const TreeNode* p = get(f, "spare_part")) {
    twin::InstrumentSparePartDef sp;
    sp.sku = text(p, "sku");
    sp.probability = q(p, "probability", Q::fraction, sp.probability);
    sp.order_lead_time = duration(p, "order_lead_time", sp.order_lead_time);
    t.failure.spare_part = sp;
  }
  const TreeNode* rn = get(&n, "runs");
  t.runs.failure_probability =
      q(rn, "failure_probability", Q::fraction, t.runs.failure_probability);
  t.runs.slowdown = q(rn, "slowdown", Q::number, t.runs.slowdown);
  for (const auto& l : items(&n, "bom")) {
    t.bom.push_back(twin::BomLineDef{text(&l, "sku"), q(&l, "quantity", Q::number, 1.0)});
  }
  for (const auto& w : items(&n, "service_windows")) {
    twin::ServiceWindowDef sw;
    const std::string at = text(&w, "start");
    if (const auto abs = units::parse_datetime(at); abs.ok()) {
      sw.absolute = true;
      sw.start_us = abs.value;
    } else {
      sw.start_us = units::parse_duration_ticks(at).value;
    }
    sw.duration = duration(&w, "duration", sw.duration);
    sw.notice = duration(&w, "notice", sw.notice);
    sw.instrument = integer(&w, "instrument", sw.instrument);
    t.service_windows.push_back(sw);
  }
  if (const TreeNode* m = get(&n, "maintenance")) {
    twin::InstrumentMaintenanceDef md;
    md.trigger = text(m, "trigger", md.trigger);
    md.interval = duration(m, "interval", md.interval);
    md.usage = duration(m, "usage", md.usage);
    md.duration = duration(m, "duration", md.duration);
    md.notice = duration(m, "notice", md.notice);
    t.maintenance = md;
  }
  return t;
}

/// A failure law the instrument twin supports: weibull(k, scale) or exp(mean).
bool weibull_or_exp(const std::string& text) {
  const auto parsed = sim::parse_distribution(text, [](std::string_view tok) {
    const auto r = units::parse_duration(tok);
    return r.ok() ? std::optional<double>(r.value) : sim::parse_plain_number(tok);
  });
  return parsed && (std::holds_alternative<sim::Weibull>(*parsed.distribution) ||
                    std::holds_alternative<sim::Exponential>(*parsed.distribution));
}

void check_instruments(const TreeNode& root, const std::set<std::string>& sites_known,
                       const std::set<std::string>& shifts_known,
                       const std::set<std::string>& skus_known, std::vector<Diagnostic>& out) {
  const TreeNode* block = get(&root, "instruments");
  const auto& types = items(block, "types");
  std::map<std::string, int> type_ids;
  // Rooms per site, for `room` (the first site when `site` is absent).
  const auto& sites = items(&root, "sites");
  for (std::size_t i = 0; i < types.size(); ++i) {
    const TreeNode& t = types[i];
    const std::string tp = "instruments.types[" + std::to_string(i) + "]";
    unique_id(t, "id", tp, "instrument type", type_ids, out);
    unknown_ref(get(&t, "site"), tp + ".site", "site", sites_known, out, "sites");
    const std::string site_id =
        text(&t, "site", sites.empty() ? std::string() : text(&sites.front(), "id"));
    std::set<std::string> rooms_known;
    for (const auto& s : sites) {
      if (text(&s, "id") != site_id) continue;
      for (const auto& r : items(&s, "rooms")) rooms_known.insert(text(&r, "id"));
    }
    unknown_ref(get(&t, "room"), tp + ".room", "room", rooms_known, out,
                "the rooms of site `" + site_id + "`");
    unknown_ref(get(&t, "hours"), tp + ".hours", "shift", shifts_known, out, "shifts");
    const TreeNode* b = get(&t, "booking");
    const auto min_slot = opt_duration(b, "min_slot");
    const auto max_slot = opt_duration(b, "max_slot");
    const sim::Time lo = min_slot.value_or(twin::BookingRulesDef{}.min_slot);
    const sim::Time hi = max_slot.value_or(twin::BookingRulesDef{}.max_slot);
    if (lo > hi) {
      const TreeNode* at = min_slot ? get(b, "min_slot") : get(b, "max_slot");
      out.push_back(Diagnostic{at->location, Severity::error,
                               tp + (min_slot ? ".booking.min_slot" : ".booking.max_slot"),
                               "min_slot (" + text(b, "min_slot", "30min") +
                                   ") must not exceed max_slot (" + text(b, "max_slot", "24h") +
                                   ")"});
    }
    const TreeNode* d = get(&t, "demand");
    const double pc = q(d, "cancel_probability", units::Quantity::fraction, 0.0);
    const double pn = q(d, "no_show_probability", units::Quantity::fraction, 0.0);
    if (pc + pn > 1.0 + 1e-12) {
      out.push_back(Diagnostic{get(d, "no_show_probability")->location, Severity::error,
                               tp + ".demand.no_show_probability",
                               "cancel_probability + no_show_probability must not exceed 1"});
    }
    const TreeNode* f = get(&t, "failure");
    if (const TreeNode* ttf = get(f, "time_to_failure");
        ttf != nullptr && ttf->is_scalar() && !weibull_or_exp(ttf->scalar)) {
      out.push_back(Diagnostic{
          ttf->location, Severity::error, tp + ".failure.time_to_failure",
          "instruments fail by weibull(k, scale) or exp(mean), got \"" + ttf->scalar + "\""});
    }
    unknown_ref(get(get(f, "spare_part"), "sku"), tp + ".failure.spare_part.sku", "SKU", skus_known,
                out, "items");
    const auto& bom = items(&t, "bom");
    for (std::size_t k = 0; k < bom.size(); ++k) {
      unknown_ref(get(&bom[k], "sku"), tp + ".bom[" + std::to_string(k) + "].sku", "SKU",
                  skus_known, out, "items");
    }
    const auto count = opt_int(&t, "count").value_or(1);
    const auto& windows = items(&t, "service_windows");
    for (std::size_t k = 0; k < windows.size(); ++k) {
      const TreeNode* ins = get(&windows[k], "instrument");
      const auto n = opt_int(&windows[k], "instrument");
      if (ins != nullptr && n && *n > count) {
        out.push_back(Diagnostic{ins->location, Severity::error,
                                 tp + ".service_windows[" + std::to_string(k) + "].instrument",
                                 "instrument " + std::to_string(*n) + " does not exist (count " +
                                     std::to_string(count) + ")"});
      }
    }
  }
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
  check_instruments(root, sites_known, shifts_known, skus_known, out);
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
  const TreeNode* instruments = get(&root, "instruments");
  sc.instruments.technicians = integer(instruments, "technicians", sc.instruments.technicians);
  for (const auto& t : items(instruments, "types")) {
    sc.instruments.types.push_back(instrument_type(t));
  }
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
