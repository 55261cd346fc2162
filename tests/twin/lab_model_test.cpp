// The lab twin end to end on small hand-built scenarios: determinism, incidents, rescue capacity.
#include "labtwin/twin/lab_model.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "labtwin/sim/simulation.hpp"

using namespace labtwin;

namespace {

twin::ScenarioDef one_site(int freezers, bool with_tech, bool with_backup, int backup_boxes) {
  twin::ScenarioDef sc;
  sc.meta.name = "unit";
  sc.seed = 9;
  sc.clock.start_us = 1'772'841'600'000'000;  // 2026-03-07T00:00Z, a Saturday
  sc.clock.horizon = sim::Time::days(2);
  twin::SiteDef site;
  site.id = "s";
  site.rooms = {{"hall"}};
  for (int i = 0; i < freezers; ++i) {
    twin::FreezerDef f;
    f.id = "F-" + std::to_string(i + 1);
    f.room = "hall";
    f.capacity_boxes = 40;
    f.fill = 0.5;  // 20 boxes
    site.freezers.push_back(f);
  }
  if (with_backup) {
    twin::FreezerDef b;
    b.id = "BK";
    b.room = "hall";
    b.capacity_boxes = backup_boxes;
    b.fill = 0;
    b.backup = true;
    site.freezers.push_back(b);
  }
  sc.sites.push_back(site);
  if (with_tech) {
    twin::TechnicianDef t;
    t.id = "t";
    t.site = "s";
    t.skills = {"freezer", "refrigeration"};
    sc.technicians.push_back(t);  // no shift: always on site
  }
  return sc;
}

twin::IncidentDef incident(twin::IncidentKind kind, const std::string& target, double hours,
                           std::optional<sim::Time> duration = std::nullopt) {
  twin::IncidentDef i;
  i.kind = kind;
  i.target = target;
  i.at_us = static_cast<std::int64_t>(hours * 3600e6);
  i.duration = duration;
  return i;
}

double kpi(const twin::RunResult& r, const char* name) {
  const auto v = r.kpi(name);
  EXPECT_TRUE(v.has_value()) << name;
  return v.value_or(std::nan(""));
}

}  // namespace

TEST(LabModel, SameSeedSameRunOtherReplicationDiffers) {
  auto sc = one_site(3, true, true, 40);
  sc.incidents.push_back(incident(twin::IncidentKind::compressor_failure, "F-2", 3));
  const auto a = twin::run_scenario(sc);
  const auto b = twin::run_scenario(sc);
  EXPECT_EQ(a.fingerprint, b.fingerprint);
  EXPECT_EQ(a.events, b.events);
  for (std::size_t i = 0; i < a.kpis.size(); ++i)
    if (!std::isnan(a.kpis[i].value)) {
      EXPECT_EQ(a.kpis[i].value, b.kpis[i].value) << a.kpis[i].name;
    }
  twin::RunOptions other;
  other.replication = 1;
  EXPECT_NE(twin::run_scenario(sc, other).fingerprint, a.fingerprint);
}

TEST(LabModel, ObserverDoesNotChangeTheRun) {
  struct Counter : sim::Observer {
    std::uint64_t n = 0;
    void on_event(const sim::EventInfo&) override { ++n; }
  } counter;
  auto sc = one_site(2, true, false, 0);
  twin::RunOptions with;
  with.observers = {&counter};
  const auto a = twin::run_scenario(sc);
  const auto b = twin::run_scenario(sc, with);
  EXPECT_EQ(a.fingerprint, b.fingerprint);
  EXPECT_EQ(counter.n, b.events);
}

TEST(LabModel, CompressorFailureIsAlarmedAnsweredAndRescuedWithinCapacity) {
  auto sc = one_site(2, true, true, 12);  // the backup holds 12 of the 20 boxes
  sc.incidents.push_back(incident(twin::IncidentKind::compressor_failure, "F-1", 2));
  sc.sites[0].freezers[0].failure.repair_time = "const(1h)";
  const auto r = twin::run_scenario(sc);
  EXPECT_EQ(kpi(r, "alarms"), 1);
  // Air from about -80 C to the -70 C alarm takes most of an hour, then the 10 min delay.
  EXPECT_GT(kpi(r, "time_to_alarm"), 1800);
  EXPECT_LT(kpi(r, "time_to_alarm"), 3 * 3600);
  EXPECT_LE(kpi(r, "time_to_response"), 600);  // on site, 0 travel in one room
  EXPECT_EQ(kpi(r, "samples_rescued"), 12);    // capacity is real
  EXPECT_EQ(kpi(r, "samples_stranded"), 8);
  EXPECT_EQ(kpi(r, "callouts"), 0);
  // Rescue (critical) first, then a 1 h repair: done well before the payload reaches -60 C
  // (about 5.8 h after a cooling loss, docs/twins/freezer.md), so the 8 stranded boxes survive.
  EXPECT_EQ(kpi(r, "samples_lost"), 0);
  EXPECT_GT(kpi(r, "technician_utilisation"), 0);
}

TEST(LabModel, SlowRepairLosesTheStrandedBoxes) {
  auto sc = one_site(2, true, true, 12);
  sc.incidents.push_back(incident(twin::IncidentKind::compressor_failure, "F-1", 2));
  sc.sites[0].freezers[0].failure.repair_time = "const(8h)";
  const auto r = twin::run_scenario(sc);
  EXPECT_EQ(kpi(r, "samples_rescued"), 12);
  EXPECT_EQ(kpi(r, "samples_lost"), 8);  // exactly the boxes that found no room
  EXPECT_EQ(kpi(r, "samples_lost_value"), 8 * 1000.0);
}

TEST(LabModel, NobodyToAnswerLosesTheUnit) {
  auto sc = one_site(1, false, true, 40);
  sc.incidents.push_back(incident(twin::IncidentKind::compressor_failure, "F-1", 1));
  const auto r = twin::run_scenario(sc);
  EXPECT_EQ(kpi(r, "alarms"), 1);
  EXPECT_TRUE(std::isnan(kpi(r, "time_to_response")));
  EXPECT_EQ(kpi(r, "samples_lost"), 20);
  EXPECT_EQ(kpi(r, "samples_lost_value"), 20 * 1000.0);  // default sample_value per box
}

TEST(LabModel, ShortPowerCutRecoversWithoutLoss) {
  auto sc = one_site(2, false, false, 0);
  sc.incidents.push_back(
      incident(twin::IncidentKind::power_loss, "s", 1, sim::Time::min(30)));  // whole site
  const auto r = twin::run_scenario(sc);
  EXPECT_EQ(kpi(r, "alarms"), 0);  // 30 min is not enough to reach -70 C plus the delay
  EXPECT_EQ(kpi(r, "samples_lost"), 0);
  EXPECT_LT(kpi(r, "warmest_payload_at_end"), -70);
}

TEST(LabModel, BadReferencesAreRejectedWithTheirName) {
  auto sc = one_site(1, true, false, 0);
  sc.incidents.push_back(incident(twin::IncidentKind::door_ajar, "F-99", 1));
  try {
    twin::run_scenario(sc);
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("F-99"), std::string::npos) << e.what();
  }
}

TEST(LabModel, EachFaultIsTimedFromItsOwnStart) {
  // A 30 min power cut (restored by a scripted incident, too short to alarm), then a compressor
  // failure a day later: the alarm is timed from the failure, not from the old, healed cut.
  auto sc = one_site(1, true, true, 40);
  sc.incidents.push_back(incident(twin::IncidentKind::power_loss, "F-1", 1));
  sc.incidents.push_back(incident(twin::IncidentKind::power_restored, "F-1", 1.5));
  sc.incidents.push_back(incident(twin::IncidentKind::compressor_failure, "F-1", 28));
  sc.sites[0].freezers[0].failure.repair_time = "const(1h)";
  const auto r = twin::run_scenario(sc);
  EXPECT_EQ(kpi(r, "alarms"), 1);
  EXPECT_GT(kpi(r, "time_to_alarm"), 1800);
  EXPECT_LT(kpi(r, "time_to_alarm"), 2 * 3600);
  EXPECT_EQ(kpi(r, "samples_lost"), 0);
}
