// The scenario schema table. Extend it here: one field per YAML key, with its kind, default,
// range, doc string and example; validation, extraction defaults and the docs test follow.
#include <utility>

#include "labtwin/adapters/schema.hpp"
#include "scenario_blocks.hpp"
#include "schema_build.hpp"

namespace labtwin::adapters {
namespace {

using namespace schema_build;  // NOLINT(google-build-using-namespace): the table DSL

SchemaNode freezer_schema() {
  auto model = map_of({
      opt("air_heat_capacity", positive(K::heat_capacity, "0J/K"), "",
          "heat capacity of the cabinet air and shelves (absent: freezer twin default)",
          "\"20kJ/K\""),
      opt("payload_heat_capacity", positive(K::heat_capacity, "0J/K"), "",
          "heat capacity of the stored samples and racks at full fill", "\"400kJ/K\""),
      opt("ua_air_payload", positive(K::conductance, "0W/K"), "",
          "conductance between cabinet air and payload", "\"25W/K\""),
      opt("ua_walls", positive(K::conductance, "0W/K"), "",
          "conductance through the insulated walls to the room", "\"1.5W/K\""),
      opt("ua_door", non_negative(K::conductance, "0W/K"), "",
          "extra conductance while the door is open", "\"30W/K\""),
      opt("cooling_power", positive(K::power, "0W"), "", "heat removed while the compressor runs",
          "\"600W\""),
      opt("electrical_power", positive(K::power, "0W"), "",
          "electricity drawn while the compressor runs", "\"1.2kW\""),
  });
  auto failure = map_of({
      opt("time_to_failure", kind(K::distribution), "",
          "compressor time to failure (absent: never fails)", "\"weibull(1.5, 8760h)\""),
      opt("repair_time", kind(K::distribution), "\"const(4h)\"",
          "time to repair a failed compressor", "\"lognormal_ms(6h, 2h)\""),
  });
  auto door = map_of({
      opt("openings_per_day", non_negative(K::number, "0"), "6", "mean door openings per day",
          "10"),
      opt("open_duration", kind(K::distribution), "\"uniform(20s, 60s)\"",
          "how long the door stays open", "\"exp(40s)\""),
  });
  return map_of({
      req("id", kind(K::identifier),
          "unique freezer id; with `count` > 1 the prefix of the expanded ids", "F-01"),
      opt("room", kind(K::identifier), "", "id of the room (one of the site's `rooms`)", "R1"),
      opt("count", ranged(K::integer, 1.0, 9999.0, "1..9999"), "1",
          "number of identical freezers; > 1 expands `id` to id-01 .. id-NN", "12"),
      opt("setpoint", kind(K::temperature), "-80C", "controller setpoint", "-80C"),
      opt("hysteresis", positive(K::temperature_delta, "0K"), "4K",
          "controller dead band (compressor on at setpoint + h/2, off at setpoint - h/2)", "4K"),
      opt("storage_class", kind(K::string), "\"-80C\"",
          "storage class matched against `items[].storage_class`", "\"-80C\""),
      opt("capacity_boxes", ranged(K::integer, 1.0, 1e6, "1..1000000"), "100",
          "capacity in sample boxes", "120"),
      opt("fill", ranged(K::fraction, 0.0, 1.0, "0..1 (0%..100%)"), "0.8",
          "fraction of the capacity holding samples", "85%"),
      opt("sample_value", non_negative(K::number, "0"), "1000", "money value per box", "2500"),
      opt("backup", kind(K::boolean), "false", "reserved as a rescue unit", "true"),
      opt("alarm_high", kind(K::temperature), "-70C", "high-temperature alarm threshold", "-65C"),
      opt("alarm_delay", non_negative(K::duration, "0s"), "10min",
          "the temperature must stay above alarm_high this long before the alarm", "5min"),
      opt("model", std::move(model), "", "thermal parameters (all optional)",
          "{cooling_power: 600W}"),
      opt("failure", std::move(failure), "", "compressor failure model",
          "{time_to_failure: \"exp(8760h)\"}"),
      opt("door", std::move(door), "", "door-opening model", "{openings_per_day: 8}"),
  });
}

SchemaNode site_schema() {
  auto ambient = map_of({
      opt("mean", kind(K::temperature), "21C", "daily mean room temperature", "22C"),
      opt("daily_amplitude", non_negative(K::temperature_delta, "0K"), "1.5K",
          "half the daily peak-to-peak swing", "2K"),
      opt("peak_hour", ranged(K::number, 0.0, 24.0, "0..24"), "15",
          "local hour of the daily maximum", "14.5"),
  });
  auto room = map_of({req("id", kind(K::identifier), "unique room id within the site", "R1")});
  auto distance = map_of({
      req("from", kind(K::identifier), "room id", "R1"),
      req("to", kind(K::identifier), "room id", "R2"),
      req("time", non_negative(K::duration, "0s"), "walking time (both directions)", "2min"),
  });
  return map_of({
      req("id", kind(K::identifier), "unique site id", "main"),
      opt("name", kind(K::string), "", "display name", "\"Main campus\""),
      opt("ambient", std::move(ambient), "", "room air temperature (daily sine)", "{mean: 21C}"),
      opt("rooms", seq_of(std::move(room)), "[]", "rooms of the site", "[{id: R1}]"),
      opt("freezers", seq_of(freezer_schema()), "[]", "freezers of the site",
          "[{id: F-01, room: R1}]"),
      opt("distances", seq_of(std::move(distance)), "[]", "walking times between rooms",
          "[{from: R1, to: R2, time: 2min}]"),
  });
}

SchemaNode items_schema() {
  auto demand = map_of({
      opt("site", kind(K::identifier), "", "consuming site id", "main"),
      req("rate", non_negative(K::rate, "0/d"), "mean demand", "3/d"),
      opt("weekend_factor", ranged(K::fraction, 0.0, 1.0, "0..1 (0%..100%)"), "0.3",
          "demand multiplier on Saturday and Sunday", "30%"),
      opt("distribution", enum_of({"poisson", "deterministic"}), "poisson",
          "demand arrival process", "poisson"),
  });
  auto policy = map_of({
      req("type", enum_of({"sS", "sQ", "RS", "RsS", "base_stock", "minmax"}),
          "replenishment policy family", "sS"),
      opt("s", non_negative(K::number, "0"), "", "reorder point (units)", "20"),
      opt("S", non_negative(K::number, "0"), "", "order-up-to level (units)", "60"),
      opt("Q", positive(K::number, "0"), "", "fixed order quantity (units)", "40"),
      opt("R", positive(K::duration, "0s"), "", "review period", "1w"),
  });
  return map_of({
      req("sku", kind(K::identifier), "unique stock-keeping unit", "TIP-200"),
      opt("name", kind(K::string), "", "display name", "\"200 uL tips\""),
      opt("unit", kind(K::string), "ea", "unit of measure", "box"),
      opt("storage_class", kind(K::string), "", "storage requirement", "\"-20C\""),
      opt("unit_value", non_negative(K::number, "0"), "0", "money value per unit", "12.5"),
      opt("shelf_life", positive(K::duration, "0s"), "", "expiry after receipt (absent: none)",
          "180d"),
      opt("demand", std::move(demand), "", "consumption process", "{rate: 3/d}"),
      opt("lead_time", kind(K::distribution), "", "supplier lead time", "\"uniform(2d, 5d)\""),
      opt("policy", std::move(policy), "", "replenishment policy", "{type: sS, s: 20, S: 60}"),
      opt("initial", non_negative(K::number, "0"), "0", "initial units on hand", "50"),
  });
}

SchemaNode build_schema() {
  auto meta = map_of({
      opt("name", kind(K::string), "", "scenario name", "\"Freezer farm\""),
      opt("description", kind(K::string), "", "free text", "\"Two sites, 24 freezers\""),
      opt("tags", seq_of(kind(K::string)), "[]", "free-form tags", "[freezers, ci]"),
  });
  auto clock = map_of({
      opt("start", kind(K::datetime), "", "wall-clock time of t = 0 (absent: 1970-01-01Z)",
          "2026-03-07T00:00:00+01:00"),
      req("horizon", positive(K::duration, "0s"), "simulated length", "30d"),
      opt("warmup", non_negative(K::duration, "0s"), "0s", "statistics ignore the first `warmup`",
          "1d"),
      opt("utc_offset", kind(K::utc_offset), "\"+00:00\"",
          "local time = UTC + offset (for shifts and daily cycles)", "\"+01:00\""),
  });
  auto technician = map_of({
      req("id", kind(K::identifier), "unique technician id", "tech-1"),
      opt("site", kind(K::identifier), "", "home site id", "main"),
      opt("skills", seq_of(kind(K::identifier)), "[]", "skill identifiers", "[freezer, inventory]"),
      opt("shift", kind(K::identifier), "", "name of a shift in `shifts`", "day"),
      opt("on_call", kind(K::boolean), "false", "can be called out outside the shift", "true"),
      opt("callout_delay", non_negative(K::duration, "0s"), "45min",
          "time to arrive when called out", "30min"),
      opt("count", ranged(K::integer, 1.0, 10000.0, "1..10000"), "1",
          "number of identical technicians", "3"),
  });
  auto shift = map_of({
      req("days", seq_of(kind(K::weekday)), "working days", "[mon, tue, wed, thu, fri]"),
      req("start", kind(K::clock_time), "local start time", "\"07:30\""),
      req("end", kind(K::clock_time), "local end time (before start: overnight)", "\"16:00\""),
  });
  auto travel = map_of({
      opt("walk_speed", positive(K::number, "0"), "", "walking speed in m/s", "1.2"),
      opt("site_travel_time", non_negative(K::duration, "0s"), "", "travel time between two sites",
          "40min"),
  });
  auto incident = map_of({
      req("at", kind(K::time_point), "offset from the start (\"+2h10min\") or a date-time",
          "\"+2h10min\""),
      req("kind", enum_of({"compressor_failure", "power_loss", "door_ajar", "power_restored"}),
          "what happens", "compressor_failure"),
      req("target", kind(K::identifier), "id of the affected entity", "F-03"),
      opt("duration", positive(K::duration, "0s"), "",
          "how long it lasts (absent: until repaired / restored)", "3h"),
  });
  auto rescue = map_of({
      opt("enabled", kind(K::boolean), "true", "move samples out of failing freezers", "false"),
      opt("backup_units", seq_of(kind(K::identifier)), "[]", "freezer ids usable as rescue targets",
          "[F-12]"),
  });
  auto policies = map_of({
      opt("dispatch", enum_of({"priority_fifo", "edf", "nearest", "optimal"}), "priority_fifo",
          "technician dispatch rule", "edf"),
      opt("picking", enum_of({"fefo", "fifo"}), "fefo", "inventory picking order", "fifo"),
      opt("rescue", std::move(rescue), "", "sample rescue", "{enabled: true}"),
  });
  auto mapping = map_of({
      req("sensor", kind(K::string), "sensor or column name in the file", "T_F03"),
      req("target", kind(K::identifier), "entity id", "F-03"),
      req("signal", kind(K::identifier), "signal name", "air_temperature"),
  });
  auto gaps = map_of({
      opt("mode", enum_of({"hold", "linear"}), "linear",
          "between samples: straight line (linear) or the last sample (hold)", "hold"),
      opt("max_gap", positive(K::duration, "0s"), "",
          "a longer silence is a sensor failure (telemetry.gap event)", "15min"),
  });
  auto telemetry = map_of({
      opt("file", kind(K::string), "", "recorded telemetry (relative to the scenario)",
          "data/f03.csv"),
      opt("mapping", seq_of(std::move(mapping)), "[]", "sensor to signal bindings",
          "[{sensor: T_F03, target: F-03, signal: air_temperature}]"),
      opt("gaps", std::move(gaps), "", "gap handling", "{mode: hold}"),
      opt("disorder", enum_of({"sort", "reject"}), "sort", "out-of-order samples", "reject"),
  });
  auto series = map_of({
      req("entity", kind(K::string), "entity id, or * for all", "F-03"),
      req("signal", kind(K::string), "signal name, or * for all", "air_temperature"),
      opt("policy", enum_of({"on_change", "every", "decimate"}), "on_change",
          "when a sample is recorded", "every"),
      opt("every", positive(K::duration, "0s"), "", "period for `every` and `decimate`", "1min"),
  });
  auto outputs = map_of({
      opt("dir", kind(K::string), "", "output directory", "out/farm"),
      opt("series", seq_of(std::move(series)), "[]", "recorded time series",
          "[{entity: F-03, signal: air_temperature}]"),
  });
  auto variant = map_of({
      req("name", kind(K::identifier), "unique variant name", "no-backup"),
      opt("description", kind(K::string), "", "free text", "\"Without the backup freezer\""),
      req("set", dict_of("path", kind(K::any)),
          "overrides: dotted path (indexes or ids in brackets) -> value",
          "{policies.dispatch: edf, \"sites[0].freezers[F-12].backup\": false}"),
  });
  auto range = map_of({
      req("from", kind(K::number), "first value", "0.5"),
      req("to", kind(K::number), "last value", "0.9"),
      opt("step", positive(K::number, "0"), "", "increment (grid designs)", "0.1"),
  });
  auto parameter = map_of({
      req("path", kind(K::variant_path), "dotted path as in `variants[].set`",
          "technicians[0].count"),
      opt("values", seq_of(kind(K::any)), "", "explicit values", "[1, 2, 3]"),
      opt("range", std::move(range), "", "numeric range", "{from: 1, to: 4, step: 1}"),
  });
  auto sweep = map_of({
      req("parameters", seq_of(std::move(parameter)), "swept parameters",
          "[{path: \"technicians[0].count\", values: [1, 2, 3]}]"),
      opt("design", enum_of({"grid", "lhs"}), "grid", "grid or Latin hypercube", "lhs"),
      opt("points", ranged(K::integer, 1.0, 1e6, "1..1000000"), "", "number of points for lhs",
          "20"),
  });
  SchemaNode seed = ranged(K::integer, 0.0, 18446744073709551615.0, "0..2^64-1");
  SchemaNode includes = seq_of(kind(K::string));
  includes.scalar_or_list = true;

  return map_of({
      req("labtwin", kind(K::integer), "scenario format version; must be 1", "1"),
      opt("include", std::move(includes), "",
          "base documents merged under this file (this file wins; lists are replaced)",
          "[base.yaml]"),
      opt("meta", std::move(meta), "", "descriptive information", "{name: demo}"),
      opt("seed", std::move(seed), "1", "master random seed", "42"),
      req("clock", std::move(clock), "simulated period", "{horizon: 7d}"),
      opt("sites", seq_of(site_schema()), "[]", "sites with rooms and freezers", "[{id: main}]"),
      opt("technicians", seq_of(std::move(technician)), "[]", "technicians",
          "[{id: tech-1, shift: day}]"),
      opt("shifts", dict_of("name", std::move(shift)), "{}", "named weekly shifts",
          "{day: {days: [mon, fri], start: \"08:00\", end: \"16:00\"}}"),
      opt("travel", std::move(travel), "", "movement model", "{walk_speed: 1.2}"),
      opt("items", seq_of(items_schema()), "[]", "stocked items", "[{sku: TIP-200}]"),
      opt("incidents", seq_of(std::move(incident)), "[]", "scripted events",
          "[{at: \"+2h\", kind: door_ajar, target: F-01}]"),
      opt("instruments", detail::instruments_schema(), "",
          "shared instruments: bookings, breakdowns, runs consuming stock (docs/instruments.md)",
          "{types: [{id: sequencer, demand: {rate: 3/d}}]}"),
      opt("dtn", detail::dtn_schema(), "",
          "DTN links from remote sites to HQ: contact plan, bundles (docs/twins/dtn.md)",
          "{hq: hq, nodes: [{node: 1, site: hq}, {node: 2, site: station}], passes: [{from: 2, to: "
          "1, every: 8h, duration: 12min}]}"),
      opt("supply", detail::supply_schema(), "",
          "supply-chain network: suppliers, hubs, lanes, disruptions (docs/twins/supply-chain.md)",
          "{suppliers: [{id: acme}], lanes: [{from: acme, to: lab}]}"),
      opt("microgrid", detail::microgrid_schema(), "",
          "site microgrids (PV, battery, grid, generator) coupled to the freezers "
          "(docs/twins/microgrid.md)",
          "{sites: [{site: biobank, battery: {capacity: 200kWh}}]}"),
      opt("policies", std::move(policies), "", "operational policies", "{dispatch: edf}"),
      opt("telemetry", std::move(telemetry), "",
          "recorded telemetry replayed into the twin (docs/telemetry.md)", "{file: data/t.csv}"),
      opt("outputs", std::move(outputs), "", "what a run writes", "{dir: out}"),
      opt("expect", dict_of("kpi", kind(K::expression)), "{}",
          "acceptance criteria: KPI name -> expression",
          "{samples_lost: \"== 0\", fill_rate: \">= 0.98\"}"),
      opt("variants", seq_of(std::move(variant)), "[]", "named sets of overrides",
          "[{name: edf, set: {policies.dispatch: edf}}]"),
      opt("sweep", std::move(sweep), "", "parameter study (schema only for now)",
          "{parameters: [{path: seed, values: [1, 2]}]}"),
  });
}

}  // namespace

const SchemaNode& scenario_schema() {
  static const SchemaNode schema = build_schema();
  return schema;
}

}  // namespace labtwin::adapters
