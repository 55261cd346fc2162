// The `dtn:` block (docs/twins/dtn.md): schema, cross-reference checks, extraction.
#include <cmath>
#include <map>
#include <set>
#include <string>

#include "labtwin/adapters/contact_plan_io.hpp"
#include "labtwin/sim/units.hpp"
#include "scenario_blocks.hpp"
#include "schema_build.hpp"
#include "tree_access.hpp"

namespace labtwin::adapters::detail {
namespace units = sim::units;
using namespace schema_build;  // NOLINT(google-build-using-namespace): the table DSL

SchemaNode dtn_schema() {
  const auto node_no = [] { return ranged(K::integer, 0.0, 2147483647.0, "0..2147483647"); };
  const auto bytes = [] { return ranged(K::integer, 1.0, 2147483647.0, "1..2147483647"); };
  auto node = map_of({
      req("node", node_no(), "node number (ipn:N)", "2"),
      opt("site", kind(K::identifier), "", "site at the node (absent: a relay)", "station"),
  });
  auto pass = map_of({
      req("from", node_no(), "transmitting node", "2"),
      req("to", node_no(), "receiving node", "3"),
      opt("first", non_negative(K::duration, "0s"), "0s", "start of the first pass", "1h"),
      req("every", positive(K::duration, "0s"), "time between pass starts", "8h"),
      req("duration", positive(K::duration, "0s"), "length of a pass", "12min"),
      opt("rate", positive(K::number, "0"), "1000", "bytes/s", "2000"),
      opt("owlt", non_negative(K::duration, "0s"), "0s", "one-way light time", "250ms"),
      opt("both_ways", kind(K::boolean), "true", "also `to` -> `from` at the same times", "false"),
  });
  return map_of({
      req("hq", kind(K::identifier), "headquarters site (one of `sites`)", "hq"),
      req("nodes", seq_of(std::move(node)), "DTN nodes; a site at most once",
          "[{node: 1, site: hq}, {node: 2, site: station}, {node: 3}]"),
      opt("passes", seq_of(std::move(pass)), "",
          "periodic passes (with or instead of `plan`; one of the two is required)",
          "[{from: 2, to: 3, every: 8h, duration: 12min}]"),
      opt("plan", kind(K::string), "",
          "contact-plan file, ION text or HDTN JSON (relative to the scenario file); relative "
          "times count from the scenario start, absolute ones are dated",
          "plans/relay.ion"),
      opt("storage", bytes(), "10000000", "bundle storage per node, bytes", "200000"),
      opt("loss", ranged(K::fraction, 0.0, 1.0, "0..1 (0%..100%)"), "0",
          "loss probability per transmission", "5%"),
      opt("custody", kind(K::boolean), "true", "bundles request custody transfer", "false"),
      opt("custody_timeout", positive(K::duration, "0s"), "30min",
          "retransmission timer beyond the round trip", "1h"),
      opt("lifetime", positive(K::duration, "0s"), "30d", "bundle lifetime", "7d"),
      opt("request_size", bytes(), "2000", "bytes of a reorder request bundle", "5000"),
      opt("alarm_size", bytes(), "500", "bytes of an alarm notification bundle", "1000"),
      opt("telemetry_size", bytes(), "50000", "bytes of a telemetry summary bundle", "100000"),
      opt("telemetry_every", non_negative(K::duration, "0s"), "1d",
          "telemetry summaries per remote site (0s: none)", "12h"),
  });
}

namespace {

// `dtn.plan`: the file imports (its error quoted whole) and a dated plan has a clock.start; with
// neither a plan nor passes there is no contact at all.
void check_plan(const TreeNode& root, const TreeNode& block, std::vector<Diagnostic>& out) {
  const TreeNode* plan = get(&block, "plan");
  if (plan == nullptr || !plan->is_scalar()) {
    if (items(&block, "passes").empty() && get(&block, "hq") != nullptr)
      out.push_back(Diagnostic{block.location, Severity::error, "dtn",
                               "no contacts: give `passes`, a `plan` file, or both"});
    return;
  }
  const SourceLocation& where = plan->location;
  std::string problem;
  try {
    const auto p = load_contact_plan(resolve_path(&block, "plan"));
    if (p.epoch_unix != 0 && get(get(&root, "clock"), "start") == nullptr)
      problem = "the plan gives dated (absolute) times: set clock.start";
  } catch (const ContactPlanError& e) {
    problem = std::string("cannot import the contact plan: ") + e.what();
  }
  if (!problem.empty()) out.push_back(Diagnostic{where, Severity::error, "dtn.plan", problem});
}

}  // namespace

void check_dtn(const TreeNode& root, const KnownIds& known, std::vector<Diagnostic>& out) {
  const TreeNode* block = get(&root, "dtn");
  if (block == nullptr) return;
  unknown_ref(get(block, "hq"), "dtn.hq", "site", known.sites, out, "sites");
  const auto& nodes = items(block, "nodes");
  std::map<std::string, int> node_ids, site_ids;
  std::set<std::string> declared;
  bool hq_has_node = false;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const std::string p = "dtn.nodes[" + std::to_string(i) + "]";
    unique_id(nodes[i], "node", p, "node", node_ids, out);
    unique_id(nodes[i], "site", p, "site", site_ids, out);
    unknown_ref(get(&nodes[i], "site"), p + ".site", "site", known.sites, out, "sites");
    declared.insert(text(&nodes[i], "node"));
    if (!text(&nodes[i], "site").empty() && text(&nodes[i], "site") == text(block, "hq"))
      hq_has_node = true;
  }
  if (!hq_has_node && get(block, "hq") != nullptr && !nodes.empty())
    out.push_back(
        Diagnostic{get(block, "hq")->location, Severity::error, "dtn.hq",
                   "headquarters site `" + text(block, "hq") + "` has no node in dtn.nodes"});
  check_plan(root, *block, out);
  const auto& passes = items(block, "passes");
  for (std::size_t i = 0; i < passes.size(); ++i) {
    const std::string p = "dtn.passes[" + std::to_string(i) + "]";
    for (const char* k : {"from", "to"})
      unknown_ref(get(&passes[i], k), p + "." + k, "node", declared, out, "dtn.nodes");
    if (text(&passes[i], "from") == text(&passes[i], "to") && get(&passes[i], "to") != nullptr)
      out.push_back(Diagnostic{get(&passes[i], "to")->location, Severity::error, p + ".to",
                               "a pass needs two different nodes"});
    const auto every = opt_duration(&passes[i], "every");
    const auto dur = opt_duration(&passes[i], "duration");
    if (every && dur && *dur > *every)
      out.push_back(Diagnostic{get(&passes[i], "duration")->location, Severity::error,
                               p + ".duration", "a pass must not last longer than `every`"});
  }
}

void extract_dtn(const TreeNode& root, twin::ScenarioDef& sc) {
  using Q = units::Quantity;
  const TreeNode* b = get(&root, "dtn");
  if (b == nullptr) return;
  twin::DtnDef& d = sc.dtn;
  d.enabled = true;
  d.hq = text(b, "hq");
  for (const auto& n : items(b, "nodes"))
    d.nodes.push_back(
        {static_cast<std::uint64_t>(opt_int(&n, "node").value_or(0)), text(&n, "site")});
  for (const auto& p : items(b, "passes")) {
    twin::DtnPassDef ps;
    ps.from = static_cast<std::uint64_t>(opt_int(&p, "from").value_or(0));
    ps.to = static_cast<std::uint64_t>(opt_int(&p, "to").value_or(0));
    ps.first = duration(&p, "first", ps.first);
    ps.every = duration(&p, "every", ps.every);
    ps.duration = duration(&p, "duration", ps.duration);
    ps.rate = q(&p, "rate", Q::number, ps.rate);
    ps.owlt = duration(&p, "owlt", ps.owlt);
    ps.both_ways = boolean(&p, "both_ways", ps.both_ways);
    d.passes.push_back(ps);
  }
  d.storage = static_cast<std::uint64_t>(
      opt_int(b, "storage").value_or(static_cast<std::int64_t>(d.storage)));
  d.loss = q(b, "loss", Q::fraction, d.loss);
  d.custody = boolean(b, "custody", d.custody);
  d.custody_timeout = duration(b, "custody_timeout", d.custody_timeout);
  d.lifetime = duration(b, "lifetime", d.lifetime);
  auto size = [&](const char* key, std::uint64_t fallback) {
    return static_cast<std::uint64_t>(
        opt_int(b, key).value_or(static_cast<std::int64_t>(fallback)));
  };
  d.request_size = size("request_size", d.request_size);
  d.alarm_size = size("alarm_size", d.alarm_size);
  d.telemetry_size = size("telemetry_size", d.telemetry_size);
  d.telemetry_every = duration(b, "telemetry_every", d.telemetry_every);
  if (get(b, "plan") != nullptr) {
    // Plan time 0 is the scenario start, unless the plan is dated (absolute ION times): then
    // its contacts keep their dates. Contacts over before the start are dropped.
    d.plan_file = resolve_path(b, "plan");
    const twin::dtn::ContactPlan plan = load_contact_plan(d.plan_file);
    const double shift = plan.epoch_unix != 0 && sc.clock.start_us
                             ? plan.epoch_unix - static_cast<double>(*sc.clock.start_us) * 1e-6
                             : 0.0;
    for (const auto& c : plan.contacts) {
      const double start = std::max(c.start + shift, 0.0), end = c.end + shift;
      if (!(end > start)) continue;
      d.plan.push_back({c.from, c.to, sim::Time::from_seconds(start), sim::Time::from_seconds(end),
                        c.rate, sim::Time::from_seconds(c.owlt), c.confidence});
    }
  }
}

}  // namespace labtwin::adapters::detail
