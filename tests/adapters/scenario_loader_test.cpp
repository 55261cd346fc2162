#include "labtwin/adapters/scenario_loader.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace la = labtwin::adapters;
namespace lt = labtwin::twin;
using labtwin::sim::Time;

namespace {

constexpr const char* kGood = R"Y(labtwin: 1
meta: {name: demo, tags: [a, b]}
seed: 18446744073709551615
clock: {start: "2026-03-07T00:00:00+01:00", horizon: 7d, warmup: 1d, utc_offset: "+01:00"}
sites:
  - id: main
    rooms: [{id: R1}, {id: R2}]
    freezers:
      - {id: F, room: R1, count: 3, fill: 85%, setpoint: -112F}
      - id: B-1
        room: R2
        backup: true
        model: {cooling_power: 1.2kW, ua_walls: 2.5W/K}
        failure: {time_to_failure: "weibull(1.5, 8760h)"}
    distances: [{from: R1, to: R2, time: 2min}]
technicians:
  - {id: t1, site: main, shift: day, skills: [freezer], on_call: yes}
shifts:
  day: {days: [mon, tue], start: "08:00", end: "16:30"}
items:
  - sku: TIP
    shelf_life: 180d
    demand: {rate: 3/d}
    policy: {type: RsS, s: 10, S: 40, R: 1w}
incidents:
  - {at: "+2h10min", kind: compressor_failure, target: F-02, duration: 3h}
  - {at: "2026-03-08T00:00:00Z", kind: power_loss, target: main}
policies: {dispatch: edf, rescue: {backup_units: [B-1]}}
expect:
  samples_lost: "== 0"
  fill_rate: ">= 0.98"
variants:
  - name: v1
    description: more technicians
    set:
      policies.dispatch: nearest
      "sites[0].freezers[F-03].backup": true
      "technicians[t1].count": 2
      "sites[0].freezers[0].failure.repair_time": "const(1h)"
)Y";

std::string formatted(const la::LoadResult& r) {
  std::string out;
  for (const auto& d : r.diagnostics) out += la::format(d) + "\n";
  return out;
}

/// A scratch directory with helper files, removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    path_ = std::filesystem::temp_directory_path() /
            ("labtwin_scenario_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::filesystem::path write(const std::string& name, const std::string& text) const {
    const auto p = path_ / name;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p) << text;
    return p;
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace

TEST(ScenarioLoader, BuildsTypedModelWithUnitsDefaultsAndExpansion) {
  const auto r = la::load_scenario_string(kGood, "good.yaml");
  ASSERT_TRUE(r.ok()) << formatted(r);
  EXPECT_TRUE(r.diagnostics.empty());
  const lt::ScenarioDef& s = *r.scenario;
  EXPECT_EQ(s.version, 1);
  EXPECT_EQ(s.meta.name, "demo");
  EXPECT_EQ(s.meta.tags, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(s.seed, 18446744073709551615ULL);
  // 2026-03-07T00:00+01:00 = 2026-03-06T23:00Z = 1772841600 - 3600 s.
  ASSERT_TRUE(s.clock.start_us.has_value());
  EXPECT_EQ(*s.clock.start_us, (1772841600LL - 3600) * 1'000'000);
  EXPECT_EQ(s.clock.horizon, Time::days(7));
  EXPECT_EQ(s.clock.warmup, Time::days(1));
  EXPECT_EQ(s.clock.utc_offset_s, 3600);

  ASSERT_EQ(s.sites.size(), 1u);
  const auto& site = s.sites[0];
  EXPECT_DOUBLE_EQ(site.ambient.mean_c, 21.0);  // default
  EXPECT_DOUBLE_EQ(site.ambient.daily_amplitude_k, 1.5);
  ASSERT_EQ(site.freezers.size(), 4u);  // F x3 expanded + B-1
  EXPECT_EQ(site.freezers[0].id, "F-01");
  EXPECT_EQ(site.freezers[1].id, "F-02");
  EXPECT_EQ(site.freezers[2].id, "F-03");
  EXPECT_EQ(site.freezers[3].id, "B-1");
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(site.freezers[i].room, "R1");
    EXPECT_DOUBLE_EQ(site.freezers[i].fill, 0.85);
    EXPECT_NEAR(site.freezers[i].setpoint_c, -80.0, 1e-12);  // -112 F
  }
  const auto& b = site.freezers[3];
  EXPECT_TRUE(b.backup);
  EXPECT_DOUBLE_EQ(b.fill, 0.8);  // default
  EXPECT_DOUBLE_EQ(b.hysteresis_k, 4.0);
  EXPECT_DOUBLE_EQ(b.alarm_high_c, -70.0);
  EXPECT_EQ(b.alarm_delay, Time::min(10));
  EXPECT_EQ(b.model.cooling_power_w, 1200.0);
  EXPECT_EQ(b.model.ua_walls_w_per_k, 2.5);
  EXPECT_FALSE(b.model.air_heat_capacity_j_per_k.has_value());
  EXPECT_EQ(b.failure.time_to_failure, "weibull(1.5, 8760h)");
  EXPECT_EQ(b.failure.repair_time, "const(4h)");
  EXPECT_EQ(b.door.open_duration, "uniform(20s, 60s)");
  ASSERT_EQ(site.distances.size(), 1u);
  EXPECT_EQ(site.distances[0].time, Time::min(2));

  ASSERT_EQ(s.technicians.size(), 1u);
  EXPECT_TRUE(s.technicians[0].on_call);
  EXPECT_EQ(s.technicians[0].callout_delay, Time::min(45));
  ASSERT_EQ(s.shifts.size(), 1u);
  EXPECT_EQ(s.shifts[0].name, "day");
  EXPECT_EQ(s.shifts[0].days, (std::vector<int>{0, 1}));
  EXPECT_EQ(s.shifts[0].start_s, 8 * 3600);
  EXPECT_EQ(s.shifts[0].end_s, 16 * 3600 + 1800);

  ASSERT_EQ(s.items.size(), 1u);
  ASSERT_TRUE(s.items[0].demand.has_value());
  EXPECT_DOUBLE_EQ(s.items[0].demand->rate_per_s, 3.0 / 86400.0);
  EXPECT_DOUBLE_EQ(s.items[0].demand->weekend_factor, 0.3);
  ASSERT_TRUE(s.items[0].policy.has_value());
  EXPECT_EQ(s.items[0].policy->type, lt::InventoryPolicyType::RsS);
  EXPECT_EQ(s.items[0].policy->R, Time::days(7));
  EXPECT_EQ(s.items[0].shelf_life, Time::days(180));

  ASSERT_EQ(s.incidents.size(), 2u);
  EXPECT_FALSE(s.incidents[0].absolute);
  EXPECT_EQ(s.incidents[0].at_us, Time::min(130).ticks);
  EXPECT_EQ(s.incidents[0].duration, Time::h(3));
  EXPECT_TRUE(s.incidents[1].absolute);
  EXPECT_EQ(s.incidents[1].kind, lt::IncidentKind::power_loss);

  EXPECT_EQ(s.policies.dispatch, lt::DispatchPolicy::edf);
  EXPECT_EQ(s.policies.picking, lt::PickingPolicy::fefo);
  EXPECT_TRUE(s.policies.rescue.enabled);
  ASSERT_EQ(s.expect.size(), 2u);
  EXPECT_EQ(s.expect[0].kpi, "samples_lost");
  EXPECT_EQ(s.expect[1].expression, ">= 0.98");
  ASSERT_EQ(s.variants.size(), 1u);
  ASSERT_EQ(s.variants[0].set.size(), 4u);
  EXPECT_EQ(s.variants[0].set[0].first, "policies.dispatch");
  EXPECT_EQ(s.variants[0].set[0].second, "nearest");
}

TEST(ScenarioLoader, VariantsApplyOnTheTree) {
  const auto base = la::load_scenario_string(kGood, "good.yaml");
  ASSERT_TRUE(base.ok()) << formatted(base);
  const auto variants = la::variants_of(*base.tree);
  ASSERT_EQ(variants.size(), 1u);
  EXPECT_EQ(variants[0].name, "v1");
  EXPECT_EQ(variants[0].description, "more technicians");
  const auto built = la::build_scenario(la::apply_variant(*base.tree, variants[0]));
  ASSERT_TRUE(built.ok()) << formatted(built);
  const auto& s = *built.scenario;
  EXPECT_EQ(s.policies.dispatch, lt::DispatchPolicy::nearest);
  EXPECT_TRUE(s.sites[0].freezers[2].backup);                          // F-03 selected by id
  EXPECT_FALSE(s.sites[0].freezers[1].backup);                         // others untouched
  EXPECT_EQ(s.technicians[0].count, 2);                                // created key
  EXPECT_EQ(s.sites[0].freezers[0].failure.repair_time, "const(1h)");  // created nested key
  // The base is unchanged.
  EXPECT_EQ(base.scenario->policies.dispatch, lt::DispatchPolicy::edf);

  la::VariantSpec bad{"bad", "", {{"sites[0].freezers[F-99].backup", la::TreeNode{}}}};
  EXPECT_THROW(la::apply_variant(*base.tree, bad), std::invalid_argument);
}

TEST(ScenarioLoader, LoadVariantByName) {
  TempDir dir;
  const auto file = dir.write("s.yaml", kGood);
  const auto r = la::load_variant(file, "v1");
  ASSERT_TRUE(r.ok()) << formatted(r);
  EXPECT_EQ(r.scenario->policies.dispatch, lt::DispatchPolicy::nearest);
  const auto missing = la::load_variant(file, "nope");
  EXPECT_FALSE(missing.ok());
  ASSERT_EQ(missing.diagnostics.size(), 1u);
  EXPECT_NE(missing.diagnostics[0].message.find("no variant named `nope`"), std::string::npos);
}

TEST(ScenarioLoader, ReportsEveryProblemSortedWithLocations) {
  const auto r = la::load_scenario_string(R"Y(labtwin: 1
clock: {horizon: 7}
sites:
  - id: main
    freezers:
      - {id: F1, setpont: -80C, setpoint: cold, fill: 150%}
policies: {dispatch: fastest}
)Y",
                                          "x.yaml");
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(formatted(r),
            "x.yaml:2:18: error: clock.horizon: expected a duration like \"15min\", got \"7\" (a "
            "plain number needs a unit: us, ms, s, min, h, d, w)\n"
            "x.yaml:6:18: error: sites[0].freezers[0].setpont: unknown key `setpont`; did you "
            "mean `setpoint`?\n"
            "x.yaml:6:43: error: sites[0].freezers[0].setpoint: expected a temperature like "
            "\"-80C\", got \"cold\"\n"
            "x.yaml:6:55: error: sites[0].freezers[0].fill: \"150%\" is out of range: must be "
            "0..1 (0%..100%)\n"
            "x.yaml:7:22: error: policies.dispatch: unknown value \"fastest\"; expected one of: "
            "priority_fifo, edf, nearest, optimal\n");
}

TEST(ScenarioLoader, WrongTypesNameTheExpectedShape) {
  const auto r = la::load_scenario_string(
      "labtwin: 1\nclock: 7d\nsites: {id: main}\nmeta: {tags: {a: 1}}\n", "t.yaml");
  EXPECT_EQ(formatted(r),
            "t.yaml:2:8: error: clock: expected a map, got a value\n"
            "t.yaml:3:8: error: sites: expected a list, got a map\n"
            "t.yaml:4:14: error: meta.tags: expected a list, got a map\n");
}

TEST(ScenarioLoader, VersionIsRequiredAndChecked) {
  const auto missing = la::load_scenario_string("clock: {horizon: 1d}\n", "v.yaml");
  ASSERT_EQ(missing.diagnostics.size(), 1u);
  EXPECT_EQ(la::format(missing.diagnostics[0]),
            "v.yaml:1:1: error: missing required key `labtwin` (the scenario format version: "
            "write `labtwin: 1` at the top)");
  const auto wrong = la::load_scenario_string("labtwin: 3\nclock: {horizon: x}\n", "v.yaml");
  ASSERT_EQ(wrong.diagnostics.size(), 1u);  // other problems are not judged by the v1 schema
  EXPECT_EQ(la::format(wrong.diagnostics[0]),
            "v.yaml:1:10: error: labtwin: unsupported scenario format version \"3\"; this "
            "labtwin reads version 1");
}

TEST(ScenarioLoader, YamlSyntaxErrorsAreLocated) {
  const auto r =
      la::load_scenario_string("labtwin: 1\nclock: {horizon: 1d\n  x: [1, 2\n", "s.yaml");
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].location.file, "s.yaml");
  EXPECT_GE(r.diagnostics[0].location.line, 2);
  EXPECT_NE(r.diagnostics[0].message.find("YAML syntax error"), std::string::npos);
  const auto dup =
      la::load_scenario_string("labtwin: 1\nclock: {horizon: 1d}\nseed: 1\nseed: 2\n", "d.yaml");
  ASSERT_EQ(dup.diagnostics.size(), 1u);
  EXPECT_EQ(la::format(dup.diagnostics[0]),
            "d.yaml:4:1: error: duplicate key `seed` (first defined at line 3)");
}

TEST(ScenarioLoader, HostileInputIsCapped) {
  // "Billion laughs": 10^6 nodes after alias expansion is rejected, not expanded.
  std::string laughs = "labtwin: 1\nclock: {horizon: 1d}\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 6; ++i) {
    laughs += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int k = 0; k < 10; ++k) laughs += (k ? ", *a" : "*a") + std::to_string(i - 1);
    laughs += "]\n";
  }
  const auto r = la::load_scenario_string(laughs, "l.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(formatted(r).find("document too large"), std::string::npos) << formatted(r);
  // Deep nesting is rejected with a clear message instead of recursing without bound.
  const std::string deep = "labtwin: 1\nx: " + std::string(200, '[') + std::string(200, ']');
  const auto d = la::load_scenario_string(deep, "n.yaml");
  ASSERT_FALSE(d.ok());
  EXPECT_NE(formatted(d).find("nesting deeper than 64 levels"), std::string::npos) << formatted(d);
  const std::string very_deep = "x: " + std::string(5000, '[') + std::string(5000, ']');
  EXPECT_FALSE(la::load_scenario_string(very_deep, "n.yaml").ok());
}

TEST(ScenarioLoader, IncludesMergeBasesAndFragments) {
  TempDir dir;
  dir.write("base.yaml", R"Y(labtwin: 1
clock: {horizon: 1d, warmup: 1h}
seed: 7
policies: {dispatch: edf, picking: fifo}
technicians: [{id: a}, {id: b}]
)Y");
  dir.write("parts/freezers.yaml", "- {id: F-01, setpoint: -70C}\n- {id: F-02}\n");
  dir.write("parts/door.yaml", "openings_per_day: 12\n");
  const auto top = dir.write("top.yaml", R"Y(include: [base.yaml]
clock: {horizon: 3d}
policies: {dispatch: nearest}
technicians: [{id: c}]
sites:
  - id: main
    freezers: {include: parts/freezers.yaml}
  - id: other
    freezers:
      - id: G-01
        door: {include: parts/door.yaml}
)Y");
  const auto r = la::load_scenario(top);
  ASSERT_TRUE(r.ok()) << formatted(r);
  const auto& s = *r.scenario;
  EXPECT_EQ(s.seed, 7u);                                        // from the base
  EXPECT_EQ(s.clock.horizon, Time::days(3));                    // includer wins
  EXPECT_EQ(s.clock.warmup, Time::h(1));                        // maps merge recursively
  EXPECT_EQ(s.policies.dispatch, lt::DispatchPolicy::nearest);  // includer wins
  EXPECT_EQ(s.policies.picking, lt::PickingPolicy::fifo);       // kept from the base
  ASSERT_EQ(s.technicians.size(), 1u);                          // sequences are replaced
  EXPECT_EQ(s.technicians[0].id, "c");
  ASSERT_EQ(s.sites[0].freezers.size(), 2u);
  EXPECT_DOUBLE_EQ(s.sites[0].freezers[0].setpoint_c, -70.0);
  EXPECT_DOUBLE_EQ(s.sites[1].freezers[0].door.openings_per_day, 12.0);
}

TEST(ScenarioLoader, ErrorsInIncludedFilesPointIntoThem) {
  TempDir dir;
  dir.write("parts/f.yaml", "- {id: F-01}\n- {id: F-02, fill: lots}\n");
  const auto top = dir.write("top.yaml",
                             "labtwin: 1\nclock: {horizon: 1d}\nsites:\n  - id: m\n"
                             "    freezers: {include: parts/f.yaml}\n");
  const auto r = la::load_scenario(top);
  ASSERT_EQ(r.diagnostics.size(), 1u) << formatted(r);
  const auto& d = r.diagnostics[0];
  EXPECT_EQ(d.location.file, (dir.path() / "parts/f.yaml").generic_string());
  EXPECT_EQ(d.location.line, 2);
  EXPECT_EQ(d.location.column, 20);
  EXPECT_EQ(d.path, "sites[0].freezers[1].fill");
}

TEST(ScenarioLoader, IncludeCyclesAndMissingFilesNameTheChain) {
  TempDir dir;
  dir.write("a.yaml", "labtwin: 1\ninclude: b.yaml\nclock: {horizon: 1d}\n");
  dir.write("b.yaml", "include: [c.yaml]\n");
  dir.write("c.yaml", "include: [a.yaml]\n");
  const auto r = la::load_scenario(dir.path() / "a.yaml");
  ASSERT_EQ(r.diagnostics.size(), 1u) << formatted(r);
  const std::string p = dir.path().generic_string();
  EXPECT_EQ(r.diagnostics[0].message, "include cycle: " + p + "/a.yaml -> " + p + "/b.yaml -> " +
                                          p + "/c.yaml -> " + p + "/a.yaml");
  EXPECT_EQ(r.diagnostics[0].location.file, p + "/c.yaml");

  dir.write("m.yaml", "labtwin: 1\nclock: {horizon: 1d}\nsites: {include: gone.yaml}\n");
  const auto m = la::load_scenario(dir.path() / "m.yaml");
  ASSERT_EQ(m.diagnostics.size(), 1u);
  EXPECT_EQ(m.diagnostics[0].location.line, 3);
  EXPECT_NE(m.diagnostics[0].message.find("cannot include `" + p + "/gone.yaml`: file not found"),
            std::string::npos)
      << m.diagnostics[0].message;
  const auto none = la::load_scenario(dir.path() / "nothing.yaml");
  ASSERT_EQ(none.diagnostics.size(), 1u);
  EXPECT_EQ(la::format(none.diagnostics[0]),
            p + "/nothing.yaml: error: cannot read: file not found");
}

TEST(ScenarioLoader, CrossReferencesAreChecked) {
  const auto r = la::load_scenario_string(R"Y(labtwin: 1
clock: {horizon: 1d, warmup: 2d}
sites:
  - id: main
    rooms: [{id: R1}]
    freezers: [{id: F, count: 2, room: R2}, {id: F-02}]
technicians: [{id: t, site: mian, shift: day}]
incidents: [{at: "+1h", kind: door_ajar, target: F-09}]
items: [{sku: A, policy: {type: sQ, s: 5}}]
)Y",
                                          "r.yaml");
  EXPECT_EQ(formatted(r),
            "r.yaml:2:30: error: clock.warmup: warmup must be shorter than the horizon\n"
            "r.yaml:6:40: error: sites[0].freezers[0].room: unknown room `R2` (not in "
            "sites[0].rooms); did you mean `R1`?\n"
            "r.yaml:6:40: error: sites[0].freezers[1].room: unknown room `R2` (not in "
            "sites[0].rooms); did you mean `R1`?\n"
            "r.yaml:6:50: error: sites[0].freezers[2].id: duplicate freezer id `F-02` (first at "
            "line 6)\n"
            "r.yaml:7:29: error: technicians[0].site: unknown site `mian`; did you mean `main`?\n"
            "r.yaml:7:42: error: technicians[0].shift: unknown shift `day`\n"
            "r.yaml:8:50: error: incidents[0].target: unknown target `F-09`; did you mean "
            "`F-01`?\n"
            "r.yaml:9:26: error: items[0].policy: policy type sQ needs `Q`\n");
}

TEST(ScenarioLoader, ValidateCommandPrintsOkOrDiagnostics) {
  TempDir dir;
  const auto good = dir.write("good.yaml", "labtwin: 1\nclock: {horizon: 1d}\n");
  const auto bad = dir.write("bad.yaml", "labtwin: 1\nclock: {horizon: 1}\n");
  std::ostringstream out, err;
  EXPECT_EQ(la::validate_command({good.string()}, out, err), 0);
  EXPECT_EQ(out.str(), good.string() + ": ok\n");
  EXPECT_EQ(err.str(), "");
  std::ostringstream out2, err2;
  EXPECT_EQ(la::validate_command({good.string(), bad.string()}, out2, err2), 2);
  EXPECT_EQ(out2.str(), good.string() + ": ok\n");
  EXPECT_EQ(err2.str(), bad.string() +
                            ":2:18: error: clock.horizon: expected a duration like \"15min\", got "
                            "\"1\" (a plain number needs a unit: us, ms, s, min, h, d, w)\n");
}

TEST(ScenarioLoader, TreeRoundTripsToFlowYaml) {
  std::vector<la::Diagnostic> diags;
  const auto t = la::parse_yaml("a: [1, \"x: y\", {b: c}]\nd: ~\n", "f.yaml", diags);
  ASSERT_TRUE(diags.empty());
  EXPECT_EQ(la::to_yaml_text(t), "{a: [1, \"x: y\", {b: c}], d: null}");
  ASSERT_NE(t.find("a"), nullptr);
  EXPECT_EQ(t.find("a")->items[2].location.line, 1);
  EXPECT_EQ(t.find("a")->items[2].location.column, 16);
}

TEST(ScenarioLoader, NullMeansAbsentForOptionalKeys) {
  const auto ok = la::load_scenario_string(
      "labtwin: 1\nclock: {horizon: 1d, warmup: ~}\nmeta:\nsites: [{id: s, name: null}]\n",
      "n.yaml");
  ASSERT_TRUE(ok.ok()) << formatted(ok);
  EXPECT_EQ(ok.scenario->clock.warmup, Time::zero());
  EXPECT_EQ(ok.scenario->sites[0].name, "");
  const auto bad = la::load_scenario_string("labtwin: 1\nclock: {horizon: ~}\n", "n.yaml");
  EXPECT_EQ(formatted(bad), "n.yaml:2:9: error: clock.horizon: required key has no value\n");
}
