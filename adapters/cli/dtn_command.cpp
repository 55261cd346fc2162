// `labtwin dtn routes`: the planner's view of a contact plan.
#include "dtn_command.hpp"

#include <CLI/CLI.hpp>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <ostream>

#include "commands.hpp"
#include "labtwin/adapters/contact_plan_io.hpp"
#include "labtwin/sim/units.hpp"
#include "labtwin/twin/dtn/cgr.hpp"

namespace labtwin::cli {
namespace {

/// Shortest text that reads back as the same double ("3", "0.5", "1e+06").
std::string num(double v) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

/// --at: plain seconds ("3600", "+3600") or a duration ("1h").
bool parse_at(const std::string& text, double& out, std::string& error) {
  std::string_view s = text;
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  double v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec == std::errc() && p == s.data() + s.size() && std::isfinite(v) && v >= 0) {
    out = v;
    return true;
  }
  const auto d = sim::units::parse_duration_ticks(s);
  if (d.ok() && d.value >= 0) {
    out = static_cast<double>(d.value) / 1e6;
    return true;
  }
  error = "'" + text + "' is neither seconds nor a duration such as 90min";
  return false;
}

std::string join_nodes(const std::vector<twin::dtn::NodeId>& v, const char* sep) {
  std::string s;
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? sep : "") + std::to_string(v[i]);
  return s;
}

/// Table cells: up to 15 significant digits without exponent clutter for plan-sized values.
std::string cell(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  return buf;
}

}  // namespace

CLI::App* add_dtn_command(CLI::App& app, DtnRoutesFlags& f) {
  auto* dtn = app.add_subcommand("dtn", "Delay-tolerant networking: contact plan tools");
  dtn->require_subcommand(1);
  auto* routes = dtn->add_subcommand(
      "routes", "Contact graph routes (earliest arrival, Yen's k best) for a contact plan");
  routes->add_option("plan", f.plan, "Contact plan: ION text or HDTN JSON")->required();
  routes->add_option("--from", f.from, "Source node number")->required();
  routes->add_option("--to", f.to, "Destination node number")->required();
  routes->add_option("--at", f.at,
                     "Time the bundle is ready: seconds after the plan epoch "
                     "or a duration such as 2h (default 0)");
  routes->add_option("--k", f.k, "Number of alternative routes (default 1)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1000}));
  routes->add_option("--size", f.size, "Bundle size in bytes (default 0: volume ignored)")
      ->check(CLI::NonNegativeNumber);
  routes->add_option("--format", f.format, "table or json")
      ->check(CLI::IsMember({"table", "json"}));
  routes->footer(
      "Exit codes: 0 ok (also when there is no route), 2 bad input (plan file:line or JSON "
      "path, unknown node, bad flag).");
  return routes;
}

int dtn_routes_command(const DtnRoutesFlags& f, std::ostream& out, std::ostream& err) {
  double at = 0;
  std::string why;
  if (!parse_at(f.at, at, why)) {
    err << "labtwin dtn routes: --at: " << why << "\n";
    return kBadInput;
  }
  twin::dtn::ContactPlan plan;
  try {
    plan = adapters::load_contact_plan(f.plan);
  } catch (const adapters::ContactPlanError& e) {
    err << e.what() << "\n";
    return kBadInput;
  }
  for (const auto& [flag, node] : {std::pair{"--from", f.from}, std::pair{"--to", f.to}}) {
    if (plan.node_index(node) == plan.nodes.size()) {
      err << "labtwin dtn routes: " << flag << ": node " << node << " is not in " << f.plan << " ("
          << plan.nodes.size() << " nodes)\n";
      return kBadInput;
    }
  }
  const twin::dtn::ContactGraph graph(std::move(plan));
  const auto routes = graph.k_routes({f.from, f.to, at, f.size}, f.k);
  const auto& p = graph.plan();
  auto contact_ids = [&p](const twin::dtn::Route& r) {
    std::vector<twin::dtn::NodeId> ids;
    for (auto c : r.contacts) ids.push_back(p.contacts[c].id);
    return ids;
  };
  if (f.format == "json") {
    out << "{\"plan\": \"" << f.plan << "\", \"from\": " << f.from << ", \"to\": " << f.to
        << ", \"at\": " << num(at) << ", \"size\": " << num(f.size) << ", \"routes\": [";
    for (std::size_t i = 0; i < routes.size(); ++i) {
      const auto& r = routes[i];
      out << (i ? ", " : "") << "{\"rank\": " << i + 1 << ", \"next_hop\": " << r.next_hop
          << ", \"departure\": " << num(r.departure)
          << ", \"delivery_time\": " << num(r.delivery_time) << ", \"hops\": ["
          << join_nodes(r.hops, ", ") << "], \"contacts\": [" << join_nodes(contact_ids(r), ", ")
          << "], \"residual_volume\": " << num(r.residual_volume) << "}";
    }
    out << "]}\n";
    return kOk;
  }
  out << "routes " << f.from << " -> " << f.to << " at t=" << num(at) << " s, size " << num(f.size)
      << " B (" << p.contacts.size() << " contacts, " << p.nodes.size() << " nodes)\n";
  if (routes.empty()) {
    out << "no route\n";
    return kOk;
  }
  char line[160];
  std::snprintf(line, sizeof line, "%-4s %-12s %-9s %-14s %s\n", "rank", "delivery_s", "next_hop",
                "residual_B", "hops / contacts");
  out << line;
  for (std::size_t i = 0; i < routes.size(); ++i) {
    const auto& r = routes[i];
    std::snprintf(line, sizeof line, "%-4zu %-12s %-9llu %-14s ", i + 1,
                  cell(r.delivery_time).c_str(), static_cast<unsigned long long>(r.next_hop),
                  cell(r.residual_volume).c_str());
    out << line << join_nodes(r.hops, ">") << " / " << join_nodes(contact_ids(r), ",") << "\n";
  }
  return kOk;
}

}  // namespace labtwin::cli
