// The worked example from docs/kernel.md ("How to write a model"), kept compiling and correct.
#include <gtest/gtest.h>

#include <vector>

#include "labtwin/sim/process.hpp"
#include "labtwin/sim/resource.hpp"

namespace labtwin::sim {
namespace {

// --- begin example (docs/kernel.md) ---
// One technician processes samples (5 min each). Samples arrive at 0, 1 and 2 min. A freezer
// alarm at 7 min makes the technician drop everything: the sample in progress is abandoned.
struct Lab {
  Simulation sim;  // first member: destroyed last
  Resource technician{sim, 1};
  Event alarm;
  std::vector<double> finished_min;  // completion times of processed samples
  int abandoned = 0;
};

Process sample(Lab& lab, Time arrival) {
  co_await lab.sim.timeout(arrival);
  ResourceGrant tech = co_await lab.technician.request();
  // Work for 5 minutes unless the alarm fires first.
  const std::size_t first = co_await any_of(lab.sim.timeout(Time::min(5)), lab.alarm);
  if (first == 0) {
    lab.finished_min.push_back(lab.sim.now().seconds() / 60.0);
  } else {
    ++lab.abandoned;
  }
}  // `tech` is released here

Process alarm_at(Lab& lab, Time t) {
  co_await lab.sim.timeout(t);
  lab.alarm.trigger();
}

TEST(KernelExample, LabWithAlarm) {
  Lab lab;
  for (int i = 0; i < 3; ++i) lab.sim.spawn(sample(lab, Time::min(i)));
  lab.sim.spawn(alarm_at(lab, Time::min(7)));
  lab.sim.run();
  // Sample 0: 0-5 min, done. Sample 1: starts at 5, alarm at 7 -> abandoned. Sample 2 then
  // gets the technician at 7; the alarm is already triggered, so any_of returns at once.
  EXPECT_EQ(lab.finished_min, (std::vector<double>{5.0}));
  EXPECT_EQ(lab.abandoned, 2);
  EXPECT_EQ(lab.sim.now(), Time::min(7));
  EXPECT_EQ(lab.technician.in_use(), 0);
  // Waits: 0, 4 and 5 minutes -> mean 3 min = 180 s.
  EXPECT_DOUBLE_EQ(lab.technician.waiting_time().mean(), 180.0);
}
// --- end example ---

}  // namespace
}  // namespace labtwin::sim
