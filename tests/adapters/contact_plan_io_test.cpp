// Contact plans: ION text and HDTN JSON import, error messages, the shared HDTN plans and the
// known answers on them, an ION plan converted by hand giving the same routes as its JSON.
#include "labtwin/adapters/contact_plan_io.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "labtwin/sim/random.hpp"
#include "labtwin/twin/dtn/cgr.hpp"

namespace fs = std::filesystem;
using labtwin::adapters::ContactPlanError;
using labtwin::adapters::load_contact_plan;
using labtwin::adapters::parse_contact_plan;
using labtwin::adapters::parse_hdtn_contact_plan;
using labtwin::adapters::parse_ion_contact_plan;
using labtwin::twin::dtn::ContactGraph;
using labtwin::twin::dtn::ContactPlan;
using labtwin::twin::dtn::NodeId;

namespace {

const fs::path kDtnData = fs::path(LABTWIN_SHARED_DATA_DIR) / "dtn";

#define REQUIRE_SHARED_DATA()                                                             \
  do {                                                                                    \
    if (!fs::exists(kDtnData / "hdtn-cgrTutorial.json"))                                  \
      GTEST_SKIP() << "shared data absent: " << kDtnData << " (LABTWIN_SHARED_DATA_DIR)"; \
  } while (0)

std::vector<std::uint64_t> contact_ids(const ContactPlan& p, const std::vector<std::size_t>& cs) {
  std::vector<std::uint64_t> out;
  for (auto c : cs) out.push_back(p.contacts[c].id);
  return out;
}

std::string error_of(const std::string& text, const char* name) {
  try {
    (void)parse_contact_plan(text, name);
  } catch (const ContactPlanError& e) {
    return e.what();
  }
  return "(no error)";
}

// The issue's validation case: HDTN's CGR tutorial plan, 1 -> 5 at t = 0.
TEST(ContactPlanShared, CgrTutorialKnownAnswer) {
  REQUIRE_SHARED_DATA();
  ContactGraph g(load_contact_plan(kDtnData / "hdtn-cgrTutorial.json"));
  const auto r = g.best_route({1, 5, 0, 0});
  ASSERT_TRUE(r);
  EXPECT_EQ(contact_ids(g.plan(), r->contacts), (std::vector<std::uint64_t>{4, 6, 10}));
  EXPECT_EQ(r->hops, (std::vector<NodeId>{1, 3, 4, 5}));
  EXPECT_EQ(r->next_hop, 3u);
  EXPECT_DOUBLE_EQ(r->delivery_time, 3);
  // 1 Mbit/s = 125,000 B/s; contact 10 lasts 10 s from departure 2: 8 s * 125 kB/s = 1 MB is
  // the tightest hop.
  EXPECT_DOUBLE_EQ(r->residual_volume, 8 * 125000.0);
  // Alternatives: 1->2->3->4->5 (contacts 0, 2, 6, 10: one hop more, 4), then the direct
  // contact 8 (1->5 during [10,20), owlt 1): 11.
  const auto k = g.k_routes({1, 5, 0, 0}, 3);
  ASSERT_EQ(k.size(), 3u);
  EXPECT_DOUBLE_EQ(k[1].delivery_time, 4);
  EXPECT_EQ(contact_ids(g.plan(), k[1].contacts), (std::vector<std::uint64_t>{0, 2, 6, 10}));
  EXPECT_DOUBLE_EQ(k[2].delivery_time, 11);
  EXPECT_EQ(contact_ids(g.plan(), k[2].contacts), (std::vector<std::uint64_t>{8}));
}

// Known answers worked out by hand from the files (arrival = max(ready, start) + owlt).
TEST(ContactPlanShared, RoutingTestAndIonLongKnownAnswers) {
  REQUIRE_SHARED_DATA();
  // 100 -> 1 (c1, arrives 1) -> 2 (c2, 2) -> 4 (c3 starts 11, arrives 12) -> 200 (c4, 13).
  ContactGraph rt(load_contact_plan(kDtnData / "hdtn-contactPlan_RoutingTest.json"));
  auto r = rt.best_route({100, 200, 0, 0});
  ASSERT_TRUE(r);
  EXPECT_EQ(contact_ids(rt.plan(), r->contacts), (std::vector<std::uint64_t>{1, 2, 3, 4}));
  EXPECT_EQ(r->next_hop, 1u);
  EXPECT_DOUBLE_EQ(r->delivery_time, 13);
  // 1 -> 2 -> 3 -> 4 (owlt 0) waits for each contact: 100, 1000, 2000; direct 1->4 at 7400.
  ContactGraph ion(load_contact_plan(kDtnData / "hdtn-Ion_4nodes_long.json"));
  const auto k = ion.k_routes({1, 4, 0, 0}, 3);
  ASSERT_EQ(k.size(), 2u);
  EXPECT_DOUBLE_EQ(k[0].delivery_time, 2000);
  EXPECT_EQ(k[0].hops, (std::vector<NodeId>{1, 2, 3, 4}));
  EXPECT_DOUBLE_EQ(k[1].delivery_time, 7400);
  EXPECT_DOUBLE_EQ(ion.best_route({1, 4, 7401, 0})->delivery_time, 7401);  // direct, open
  EXPECT_FALSE(ion.best_route({1, 4, 8000, 0}));  // every contact is over by then
}

TEST(ContactPlanShared, EverySharedPlanImports) {
  REQUIRE_SHARED_DATA();
  std::size_t files = 0;
  for (const auto& e : fs::directory_iterator(kDtnData)) {
    if (e.path().extension() != ".json") continue;
    ++files;
    const ContactPlan p = load_contact_plan(e.path());
    EXPECT_FALSE(p.contacts.empty()) << e.path();
    EXPECT_GE(p.nodes.size(), 2u) << e.path();
    std::size_t empty = 0;
    for (const auto& c : p.contacts) {
      if (c.end <= c.start) ++empty;
      EXPECT_GT(c.rate, 0) << e.path();
    }
    EXPECT_EQ(empty, p.empty_contacts) << e.path();
    // Every contact's own endpoints are routable at its start (the contact itself is a route).
    ContactGraph g(p);
    const auto& c0 = p.contacts.front();
    const auto r = g.best_route({c0.from, c0.to, c0.start, 0});
    ASSERT_TRUE(r) << e.path();
    EXPECT_LE(r->delivery_time, c0.start + c0.owlt) << e.path();
  }
  EXPECT_EQ(files, 5u);
  const auto big = load_contact_plan(kDtnData / "hdtn-50nodes.json");
  EXPECT_EQ(big.contacts.size(), 7186u);
  EXPECT_EQ(big.empty_contacts, 148u);  // endTime <= startTime in the file: never usable
  EXPECT_EQ(big.nodes.size(), 54u);     // "50 nodes" in the name; 54 distinct ids in the file
  const auto ten = load_contact_plan(kDtnData / "hdtn-10nodes.json");
  EXPECT_EQ(ten.contacts.size(), 368u);
  EXPECT_EQ(ten.empty_contacts, 6u);
  // An empty contact never carries anything, even to a bundle ready before its "end".
  ContactGraph g(ten);
  for (std::size_t i = 0; i < g.plan().contacts.size(); ++i) {
    const auto& c = g.plan().contacts[i];
    if (c.end > c.start) continue;
    const auto r = g.best_route({c.from, c.to, 0, 0});
    if (r) {
      for (auto used : r->contacts)
        EXPECT_GT(g.plan().contacts[used].end, g.plan().contacts[used].start);
    }
  }
}

// hdtn-cgrTutorial.json converted by hand: same contact order (ION ids are positions), 1 Mbit/s
// = 125000 B/s, owlt 1 s from one range per node pair (each applies both ways).
const char* kTutorialIon = R"(# HDTN cgrTutorial, by hand
a range +0 +60 1 2 1
a range +0 +60 2 3 1
a range +0 +60 1 3 1
a range +0 +60 3 4 1
a range +0 +60 1 5 1
a range +0 +60 4 5 1
a contact +0 +60 1 2 125000
a contact +0 +60 2 1 125000
a contact +0 +60 2 3 125000
a contact +0 +60 3 2 125000
a contact +0 +60 1 3 125000
a contact +0 +60 3 1 125000
a contact +0 +30 3 4 125000
a contact +0 +30 4 3 125000
a contact +10 +20 1 5 125000
a contact +10 +20 5 1 125000
a contact +0 +10 4 5 125000
a contact +0 +10 5 4 125000
a contact +30 +40 4 5 125000
a contact +30 +40 5 4 125000
a contact +50 +60 4 5 125000
a contact +50 +60 5 4 125000
m production 1000000
)";

TEST(ContactPlanIon, HandConvertedTutorialGivesTheSameRoutes) {
  REQUIRE_SHARED_DATA();
  const ContactPlan ion = parse_ion_contact_plan(kTutorialIon, "tutorial.ion");
  EXPECT_EQ(ion.ignored_commands, 1u);
  ContactGraph a(ion);
  ContactGraph b(load_contact_plan(kDtnData / "hdtn-cgrTutorial.json"));
  ASSERT_EQ(a.plan().contacts.size(), b.plan().contacts.size());
  int compared = 0;
  for (NodeId s = 1; s <= 5; ++s)
    for (NodeId d = 1; d <= 5; ++d)
      for (double t : {0.0, 5.0, 15.0, 35.0, 55.0})
        for (double size : {0.0, 1e6, 3e6}) {
          const labtwin::twin::dtn::RouteQuery q{s, d, t, size};
          const auto ra = a.k_routes(q, 3), rb = b.k_routes(q, 3);
          ASSERT_EQ(ra.size(), rb.size());
          for (std::size_t i = 0; i < ra.size(); ++i) {
            EXPECT_EQ(contact_ids(a.plan(), ra[i].contacts), contact_ids(b.plan(), rb[i].contacts));
            EXPECT_DOUBLE_EQ(ra[i].delivery_time, rb[i].delivery_time);
            EXPECT_DOUBLE_EQ(ra[i].residual_volume, rb[i].residual_volume);
            ++compared;
          }
        }
  EXPECT_GT(compared, 100);
}

TEST(ContactPlanIon, TimesRangesAndComments) {
  const ContactPlan p = parse_ion_contact_plan(
      "@ 2026/03/07-00:00:00\n"
      "a contact 2026/03/07-00:01:00 2026/03/07-02:01:00 1 2 10000   # absolute\n"
      "a contact +60 +7260 2 1 10000 0.5\n"
      "a contact +100 +200 2 3 500\n"
      "a contact +100 +200 3 2 500\n"
      "a range +1 +3600 1 2 12\n"
      "a range +0 +1000 2 3 4\n"
      "a range +0 +1000 3 2 6\n"
      "\n   # just a comment\n"
      "s\n",
      "t.ion");
  ASSERT_EQ(p.contacts.size(), 4u);
  EXPECT_EQ(p.ignored_commands, 1u);
  EXPECT_DOUBLE_EQ(p.epoch_unix, 1772841600.0);  // 2026-03-07T00:00:00Z
  EXPECT_EQ(p.nodes, (std::vector<NodeId>{1, 2, 3}));
  // Sorted by (start, id): the two 60-s contacts, then the two 100-s ones.
  EXPECT_DOUBLE_EQ(p.contacts[0].start, 60);
  EXPECT_DOUBLE_EQ(p.contacts[0].end, 7260);
  EXPECT_DOUBLE_EQ(p.contacts[0].owlt, 12);  // range 1->2
  EXPECT_DOUBLE_EQ(p.contacts[1].owlt, 12);  // the same range read backwards
  EXPECT_DOUBLE_EQ(p.contacts[1].confidence, 0.5);
  EXPECT_DOUBLE_EQ(p.contacts[2].owlt, 4);  // 2->3 has its own range
  EXPECT_DOUBLE_EQ(p.contacts[3].owlt, 6);  // and so does 3->2
  EXPECT_DOUBLE_EQ(p.contacts[0].rate, 10000);
}

TEST(ContactPlanIon, ErrorsNameFileAndLine) {
  EXPECT_EQ(error_of("a contact +0 +10 1 2 100\n\na contact +0 +10 1 2 fast\n", "p.ion"),
            "p.ion:3: error: a contact: rate: 'fast' is not a number");
  EXPECT_EQ(error_of("a contact +0 +10 1 2\n", "p.ion"),
            "p.ion:1: error: a contact: expected 'a contact START END FROM TO RATE [CONFIDENCE]', "
            "got 4 arguments");
  EXPECT_EQ(error_of("# c\na contact +10 +5 1 2 1\n", "p.ion"),
            "p.ion:2: error: a contact: end must be after start");
  EXPECT_EQ(error_of("a range +0 +10 1 x 1\n", "p.ion"),
            "p.ion:1: error: a range: to: 'x' is not a node number");
  EXPECT_EQ(error_of("a contact 2026/13/01-00:00:00 +5 1 2 1\n", "p.ion"),
            "p.ion:1: error: a contact: start: '2026/13/01-00:00:00' is neither +SECONDS nor "
            "yyyy/mm/dd-hh:mm:ss");
  EXPECT_EQ(error_of("a contact +0 +10 1 2 1 1.5\n", "p.ion"),
            "p.ion:1: error: a contact: confidence must be in (0, 1]");
}

std::string error_of_file(const std::string& file) {
  try {
    (void)load_contact_plan(file);
  } catch (const ContactPlanError& e) {
    return e.what();
  }
  return "no error";
}

TEST(ContactPlanHdtn, ErrorsNameTheJsonPath) {
  const std::string ok = R"({"contact":0,"source":1,"dest":2,"startTime":0,"endTime":10,)"
                         R"("rateBitsPerSec":8,"owlt":1})";
  const std::string bad = R"({"contact":3,"source":1,"dest":2,"startTime":0,"endTime":10,)"
                          R"("rateBitsPerSec":"fast","owlt":1})";
  EXPECT_EQ(error_of("{\"contacts\":[" + ok + "," + ok + "," + ok + "," + bad + "]}", "p.json"),
            "p.json: error: contacts[3].rateBitsPerSec: expected a number");
  EXPECT_EQ(error_of(R"({"contacts":[{"contact":0,"source":1,"dest":2,"startTime":0,)"
                     R"("endTime":10,"rateBitsPerSec":8}]})",
                     "p.json"),
            "p.json: error: contacts[0].owlt: missing");
  EXPECT_EQ(error_of(R"({"contacts":[{"contact":0,"source":-1,"dest":2,"startTime":0,)"
                     R"("endTime":10,"rateBitsPerSec":8,"owlt":0}]})",
                     "p.json"),
            "p.json: error: contacts[0].source: expected a node number (unsigned integer)");
  EXPECT_EQ(error_of(R"({"contacts": {}})", "p.json"),
            "p.json: error: contacts: expected an array");
  EXPECT_EQ(error_of(R"({"links": []})", "p.json"), "p.json: error: contacts: missing");
  const std::string syntax = error_of("{\"contacts\": [\n  {,\n]}", "p.json");
  EXPECT_EQ(syntax.rfind("p.json: error: not valid JSON: parse error at line 2", 0), 0u) << syntax;
  // Found by the contact_plan_fuzz target: a number beyond a double is a JSON error too (the
  // JSON library reports it as out_of_range, not as a parse error).
  EXPECT_EQ(error_of(R"({"contacts": [{"startTime": 511e308}]})", "p.json"),
            "p.json: error: not valid JSON: number overflow parsing '511e308'");
  const auto p = parse_hdtn_contact_plan("{\"contacts\":[" + ok + "]}", "p.json");
  ASSERT_EQ(p.contacts.size(), 1u);
  EXPECT_DOUBLE_EQ(p.contacts[0].rate, 1);  // 8 bit/s = 1 B/s
  EXPECT_THROW(load_contact_plan("/nonexistent/plan.json"), ContactPlanError);
  EXPECT_EQ(error_of_file("/dev/zero"), "/dev/zero: error: not a regular file");
}

// Robustness: corrupted plans raise ContactPlanError or parse; nothing else (the same
// function is the libFuzzer entry point fuzz_contact_plan).
TEST(ContactPlanRobustness, MutatedInputsNeverCrash) {
  const std::vector<std::string> seeds = {
      kTutorialIon, R"({"contacts":[{"contact":0,"source":1,"dest":2,"startTime":0,)"
                    R"("endTime":10,"rateBitsPerSec":8,"owlt":1}]})"};
  labtwin::sim::RandomStream rng(5, 0, "contact-plan-mutations");
  const char alphabet[] = "+-0123456789 .:/\n#{}[]\",ae";
  int errors = 0, parsed = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string s = seeds[rng.below(seeds.size())];
    const auto edits = 1 + rng.below(4);
    for (std::uint64_t e = 0; e < edits && !s.empty(); ++e) {
      const auto pos = rng.below(s.size());
      switch (rng.below(3)) {
        case 0:
          s[pos] = alphabet[rng.below(sizeof alphabet - 1)];
          break;
        case 1:
          s.erase(pos, 1 + rng.below(8));
          break;
        default:
          s.resize(pos);
          break;
      }
    }
    try {
      (void)parse_contact_plan(s, "m");
      ++parsed;
    } catch (const ContactPlanError&) {
      ++errors;
    }
    EXPECT_EQ(labtwin::adapters::fuzz_contact_plan(reinterpret_cast<const unsigned char*>(s.data()),
                                                   s.size()),
              0);
  }
  EXPECT_GT(errors, 100);
  EXPECT_GT(parsed, 100);
}

}  // namespace
