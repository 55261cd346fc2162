// HDTN JSON contact plans (`contacts[]`).
#include <nlohmann/json.hpp>

#include "labtwin/adapters/contact_plan_io.hpp"

namespace labtwin::adapters {

twin::dtn::ContactPlan parse_hdtn_contact_plan(std::string_view text, std::string_view source) {
  const std::string file(source);
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::exception& e) {
    // e.what() reads "[json.exception.parse_error.101] parse error at line L, column C: ..."
    // (or out_of_range.406 "number overflow parsing '1e999'" for a number beyond a double).
    std::string msg = e.what();
    if (const auto k = msg.find("] "); k != std::string::npos) msg = msg.substr(k + 2);
    throw ContactPlanError(file, 0, "", "not valid JSON: " + msg);
  }
  auto fail = [&file](const std::string& path, const std::string& msg) {
    throw ContactPlanError(file, 0, path, msg);
  };
  if (!doc.is_object()) fail("(root)", "expected an object with a \"contacts\" array");
  const auto it = doc.find("contacts");
  if (it == doc.end()) fail("contacts", "missing");
  if (!it->is_array()) fail("contacts", "expected an array");
  twin::dtn::ContactPlan plan;
  plan.contacts.reserve(it->size());
  std::size_t i = 0;
  for (const auto& c : *it) {
    const std::string at = "contacts[" + std::to_string(i++) + "]";
    if (!c.is_object()) fail(at, "expected an object");
    auto number = [&](const char* key, bool required, double fallback) {
      const auto f = c.find(key);
      if (f == c.end()) {
        if (required) fail(at + "." + key, "missing");
        return fallback;
      }
      if (!f->is_number()) fail(at + "." + key, "expected a number");
      return f->get<double>();
    };
    auto node = [&](const char* key) {
      const auto f = c.find(key);
      if (f == c.end()) fail(at + "." + key, "missing");
      if (!f->is_number_unsigned())
        fail(at + "." + key, "expected a node number (unsigned integer)");
      return f->get<std::uint64_t>();
    };
    twin::dtn::Contact k;
    k.id = node("contact");
    k.from = node("source");
    k.to = node("dest");
    k.start = number("startTime", true, 0);
    k.end = number("endTime", true, 0);
    k.rate = number("rateBitsPerSec", true, 0) / 8.0;
    k.owlt = number("owlt", true, 0);
    k.confidence = number("confidence", false, 1.0);
    // Real plans hold a few contacts with endTime <= startTime (hdtn-50nodes.json has 148):
    // kept so contact numbers stay meaningful, counted, and never usable.
    if (k.end <= k.start) ++plan.empty_contacts;
    if (k.rate < 0) fail(at + ".rateBitsPerSec", "must be >= 0");
    if (k.owlt < 0) fail(at + ".owlt", "must be >= 0");
    if (!(k.confidence > 0 && k.confidence <= 1)) fail(at + ".confidence", "must be in (0, 1]");
    plan.contacts.push_back(k);
  }
  plan.finalize();
  return plan;
}

}  // namespace labtwin::adapters
