// Schema-driven validation: every problem becomes one located diagnostic.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>

#include "labtwin/adapters/expectation.hpp"
#include "labtwin/adapters/schema.hpp"
#include "labtwin/sim/distributions.hpp"

namespace labtwin::adapters {
namespace units = sim::units;

namespace {

using K = SchemaKind;

// Built with append: GCC 12 warns falsely (-Wrestrict) on "literal" + std::string.
std::string quoted(std::string_view s) {
  std::string out(1, '"');
  out.append(s);
  out += '"';
  return out;
}

std::string join(const std::vector<std::string>& v, std::string_view sep) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i > 0) out += sep;
    out += v[i];
  }
  return out;
}

std::optional<units::Quantity> quantity_of(K k) {
  switch (k) {
    case K::number:
      return units::Quantity::number;
    case K::duration:
      return units::Quantity::duration;
    case K::temperature:
      return units::Quantity::temperature;
    case K::temperature_delta:
      return units::Quantity::temperature_delta;
    case K::power:
      return units::Quantity::power;
    case K::energy:
      return units::Quantity::energy;
    case K::conductance:
      return units::Quantity::conductance;
    case K::heat_capacity:
      return units::Quantity::heat_capacity;
    case K::rate:
      return units::Quantity::rate;
    case K::fraction:
      return units::Quantity::fraction;
    default:
      return std::nullopt;
  }
}

bool is_identifier(std::string_view s) {
  if (s.empty() || !std::isalnum(static_cast<unsigned char>(s.front()))) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
  });
}

const char* type_word(const TreeNode& n) {
  switch (n.type) {
    case TreeNode::Type::null:
      return "nothing";
    case TreeNode::Type::scalar:
      return "a value";
    case TreeNode::Type::map:
      return "a map";
    case TreeNode::Type::seq:
      return "a list";
  }
  return "something else";
}

/// Checks one scalar; returns "" when fine, else the message. `si` receives the numeric value
/// for range checks when the kind has one.
std::string check_scalar(const SchemaNode& s, const std::string& text, std::optional<double>& si) {
  if (const auto q = quantity_of(s.kind)) {
    const auto r = units::parse_quantity(*q, text);
    if (!r.ok()) return r.error;
    si = r.value;
    return "";
  }
  switch (s.kind) {
    case K::string:
    case K::any:
      return "";
    case K::identifier:
      if (is_identifier(text)) return "";
      return "expected an identifier like \"F-01\" (letters, digits, _ - .), got " + quoted(text);
    case K::integer: {
      std::string_view t = text;
      const bool negative = !t.empty() && t.front() == '-';
      if (!t.empty() && (t.front() == '+' || t.front() == '-')) t.remove_prefix(1);
      std::uint64_t v = 0;
      const auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
      if (t.empty() || ec != std::errc{} || p != t.data() + t.size()) {
        return "expected a whole number like \"12\", got " + quoted(text);
      }
      si = negative ? -static_cast<double>(v) : static_cast<double>(v);
      return "";
    }
    case K::boolean: {
      static const char* const kWords[] = {"true",  "false", "True", "False", "TRUE",
                                           "FALSE", "yes",   "no",   "on",    "off"};
      for (const char* w : kWords) {
        if (text == w) return "";
      }
      return "expected true or false, got " + quoted(text);
    }
    case K::datetime: {
      const auto r = units::parse_datetime(text);
      return r.ok() ? "" : r.error;
    }
    case K::time_point: {
      if (units::parse_datetime(text).ok()) return "";
      const auto d = units::parse_duration(text);
      if (d.ok()) {
        if (d.value < 0) return "expected a non-negative offset, got " + quoted(text);
        return "";
      }
      return "expected a time like \"+2h10min\" (offset from the start) or "
             "\"2026-03-07T02:10:00\", got " +
             quoted(text);
    }
    case K::distribution: {
      const sim::NumberParser as_duration = [](std::string_view tok) -> std::optional<double> {
        const auto r = units::parse_duration(tok);
        if (!r.ok()) return std::nullopt;
        return r.value;
      };
      const auto parsed = sim::parse_distribution(text, as_duration);
      if (parsed) return "";
      // sim::parse_distribution prefixes "invalid distribution '<text>': "; keep the reason.
      std::string why = parsed.error;
      if (const auto colon = why.find("': ");
          why.rfind("invalid distribution", 0) == 0 && colon != std::string::npos) {
        why.erase(0, colon + 3);
      }
      return "expected a distribution like \"exp(2h)\" or \"weibull(1.5, 8760h)\", got " +
             quoted(text) + " (" + why + ")";
    }
    case K::enumeration: {
      if (std::find(s.enum_values.begin(), s.enum_values.end(), text) != s.enum_values.end()) {
        return "";
      }
      std::string msg =
          "unknown value " + quoted(text) + "; expected one of: " + join(s.enum_values, ", ");
      const std::string near = closest_match(text, s.enum_values);
      if (!near.empty()) msg += " (did you mean `" + near + "`?)";
      return msg;
    }
    case K::expression: {
      const auto r = parse_expectation(text);
      return r.ok() ? "" : r.error;
    }
    case K::weekday: {
      const auto r = units::parse_weekday(text);
      return r.ok() ? "" : r.error;
    }
    case K::clock_time: {
      const auto r = units::parse_clock_time(text);
      return r.ok() ? "" : r.error;
    }
    case K::utc_offset: {
      const auto r = units::parse_utc_offset(text);
      return r.ok() ? "" : r.error;
    }
    case K::variant_path: {
      const auto steps = parse_path(text);
      if (!steps.ok()) return steps.error;
      std::string err;
      if (resolve_schema_path(scenario_schema(), steps.value, err) == nullptr) return err;
      return "";
    }
    default:
      return "";
  }
}

void add(std::vector<Diagnostic>& out, const SourceLocation& at, const std::string& path,
         std::string message) {
  out.push_back(Diagnostic{at, Severity::error, path, std::move(message)});
}

std::string field_path(const std::string& parent, std::string_view key) {
  return parent.empty() ? std::string(key) : parent + "." + std::string(key);
}

}  // namespace

std::size_t edit_distance(std::string_view a, std::string_view b) {
  // Optimal string alignment distance: insertions, deletions, substitutions and adjacent
  // transpositions ("mian" -> "main") each cost 1.
  const std::size_t w = b.size() + 1;
  std::vector<std::size_t> d((a.size() + 1) * w);
  for (std::size_t i = 0; i <= a.size(); ++i) d[i * w] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      std::size_t v =
          std::min({d[(i - 1) * w + j] + 1, d[i * w + j - 1] + 1, d[(i - 1) * w + j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        v = std::min(v, d[(i - 2) * w + j - 2] + 1);
      }
      d[i * w + j] = v;
    }
  }
  return d[a.size() * w + b.size()];
}

std::string closest_match(std::string_view word, const std::vector<std::string>& candidates) {
  // Accept up to a third of the word's length in edits (at least 1, at most 3), so "setpont"
  // suggests "setpoint" but "x" does not suggest "id".
  const std::size_t limit = std::clamp<std::size_t>(word.size() / 3, 1, 3);
  std::string best;
  std::size_t best_d = limit + 1;
  for (const auto& c : candidates) {
    const std::size_t d = edit_distance(word, c);
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  return best_d <= limit ? best : std::string();
}

std::string_view kind_name(SchemaKind k) {
  switch (k) {
    case K::map:
      return "map";
    case K::seq:
      return "list";
    case K::dict:
      return "map";
    case K::any:
      return "any";
    case K::string:
      return "string";
    case K::identifier:
      return "identifier";
    case K::integer:
      return "integer";
    case K::number:
      return "number";
    case K::boolean:
      return "bool";
    case K::duration:
      return "duration";
    case K::datetime:
      return "datetime";
    case K::time_point:
      return "time point";
    case K::temperature:
      return "temperature";
    case K::temperature_delta:
      return "temperature difference";
    case K::power:
      return "power";
    case K::energy:
      return "energy";
    case K::conductance:
      return "conductance";
    case K::heat_capacity:
      return "heat capacity";
    case K::rate:
      return "rate";
    case K::fraction:
      return "fraction";
    case K::distribution:
      return "distribution";
    case K::enumeration:
      return "enum";
    case K::expression:
      return "expression";
    case K::weekday:
      return "weekday";
    case K::clock_time:
      return "clock time";
    case K::utc_offset:
      return "UTC offset";
    case K::variant_path:
      return "path";
  }
  return "?";
}

std::string describe_type(const SchemaNode& node) {
  switch (node.kind) {
    case K::seq:
      return "list of " + describe_type(*node.element);
    case K::dict:
      return "map <" + node.key_name + "> -> " + describe_type(*node.element);
    case K::enumeration:
      return "one of " + join(node.enum_values, ", ");
    default:
      return std::string(kind_name(node.kind));
  }
}

namespace {
void collect_paths(const SchemaNode& node, const std::string& prefix,
                   std::vector<SchemaKeyPath>& out) {
  switch (node.kind) {
    case K::map:
      for (const auto& f : node.fields) {
        const std::string p = prefix.empty() ? f.name : prefix + "." + f.name;
        out.push_back(SchemaKeyPath{p, &f.node, &f});
        collect_paths(f.node, p, out);
      }
      break;
    case K::seq:
      collect_paths(*node.element, prefix + "[]", out);
      break;
    case K::dict: {
      const std::string p = prefix + ".<" + node.key_name + ">";
      out.push_back(SchemaKeyPath{p, node.element.get(), nullptr});
      collect_paths(*node.element, p, out);
      break;
    }
    default:
      break;
  }
}
}  // namespace

std::vector<SchemaKeyPath> schema_key_paths(const SchemaNode& root) {
  std::vector<SchemaKeyPath> out;
  collect_paths(root, "", out);
  return out;
}

void validate_node(const TreeNode& node, const SchemaNode& schema, const std::string& path,
                   std::vector<Diagnostic>& out) {
  switch (schema.kind) {
    case K::map: {
      if (node.type == TreeNode::Type::null) {
        // An empty section ("meta:") is an empty map; required keys are still required.
      } else if (!node.is_map()) {
        add(out, node.location, path, std::string("expected a map, got ") + type_word(node));
        return;
      }
      std::vector<std::string> names;
      names.reserve(schema.fields.size());
      for (const auto& f : schema.fields) names.push_back(f.name);
      for (const auto& e : node.entries) {
        const auto it = std::find_if(schema.fields.begin(), schema.fields.end(),
                                     [&](const SchemaField& f) { return f.name == e.key; });
        if (it == schema.fields.end()) {
          std::string msg = "unknown key `" + e.key + "`";
          const std::string near = closest_match(e.key, names);
          if (!near.empty()) {
            msg += "; did you mean `" + near + "`?";
          } else {
            msg += " (expected one of: " + join(names, ", ") + ")";
          }
          add(out, e.key_location, field_path(path, e.key), std::move(msg));
          continue;
        }
        // `key:` or `key: ~` means "absent" for an optional key; a required one needs a value.
        if (e.value.type == TreeNode::Type::null) {
          if (it->required) {
            add(out, e.key_location, field_path(path, e.key), "required key has no value");
          }
          continue;
        }
        validate_node(e.value, it->node, field_path(path, e.key), out);
      }
      for (const auto& f : schema.fields) {
        if (f.required && node.find(f.name) == nullptr) {
          add(out, node.location, path, "missing required key `" + f.name + "`");
        }
      }
      return;
    }
    case K::seq: {
      if (node.type == TreeNode::Type::null) return;
      if (node.is_scalar() && schema.scalar_or_list) {
        validate_node(node, *schema.element, path, out);
        return;
      }
      if (!node.is_seq()) {
        add(out, node.location, path, std::string("expected a list, got ") + type_word(node));
        return;
      }
      for (std::size_t i = 0; i < node.items.size(); ++i) {
        validate_node(node.items[i], *schema.element, path + "[" + std::to_string(i) + "]", out);
      }
      return;
    }
    case K::dict: {
      if (node.type == TreeNode::Type::null) return;
      if (!node.is_map()) {
        add(out, node.location, path,
            "expected a map of <" + schema.key_name + ">: value, got " + type_word(node));
        return;
      }
      for (const auto& e : node.entries) {
        validate_node(e.value, *schema.element, field_path(path, e.key), out);
      }
      return;
    }
    case K::any:
      return;
    default:
      break;
  }
  // Scalars.
  if (!node.is_scalar()) {
    std::string expected;
    if (const auto q = quantity_of(schema.kind)) {
      expected = units::expected_message(*q, "");
      expected = expected.substr(0, expected.find(", got"));
    } else {
      expected = "expected a " + describe_type(schema);
    }
    add(out, node.location, path, expected + ", got " + type_word(node));
    return;
  }
  std::optional<double> si;
  std::string msg = check_scalar(schema, node.scalar, si);
  if (!msg.empty()) {
    add(out, node.location, path, std::move(msg));
    return;
  }
  if (si) {
    const double v = *si;
    const bool below = schema.min && (schema.min_exclusive ? !(v > *schema.min) : v < *schema.min);
    const bool above = schema.max && v > *schema.max;
    if (below || above) {
      add(out, node.location, path,
          quoted(node.scalar) + " is out of range: must be " + schema.range_text);
    }
  }
}

units::Result<std::vector<PathStep>> parse_path(std::string_view text) {
  const std::string err_prefix =
      "expected a path like \"sites[0].freezers[F-12].backup\", got " + quoted(text);
  std::vector<PathStep> steps;
  std::size_t i = 0;
  bool expect_key = true;
  while (i < text.size()) {
    if (text[i] == '[') {
      const std::size_t close = text.find(']', i);
      if (close == std::string_view::npos || close == i + 1 || steps.empty()) {
        return {{}, err_prefix};
      }
      PathStep st;
      st.bracket = true;
      st.selector = std::string(text.substr(i + 1, close - i - 1));
      st.numeric = std::all_of(st.selector.begin(), st.selector.end(),
                               [](char c) { return c >= '0' && c <= '9'; });
      if (st.numeric) {
        const auto [p, ec] =
            std::from_chars(st.selector.data(), st.selector.data() + st.selector.size(), st.index);
        if (ec != std::errc{}) return {{}, err_prefix};
      }
      steps.push_back(std::move(st));
      i = close + 1;
      expect_key = false;
      continue;
    }
    if (text[i] == '.') {
      if (expect_key) return {{}, err_prefix};
      ++i;
      expect_key = true;
      continue;
    }
    if (!expect_key) return {{}, err_prefix};
    std::size_t j = i;
    while (j < text.size() && text[j] != '.' && text[j] != '[') ++j;
    PathStep st;
    st.key = std::string(text.substr(i, j - i));
    steps.push_back(std::move(st));
    i = j;
    expect_key = false;
  }
  if (steps.empty() || expect_key) return {{}, err_prefix};
  return {std::move(steps), {}};
}

const SchemaNode* resolve_schema_path(const SchemaNode& root, const std::vector<PathStep>& steps,
                                      std::string& error) {
  const SchemaNode* cur = &root;
  std::string walked;
  for (const auto& st : steps) {
    if (st.bracket) {
      if (cur->kind != K::seq) {
        error = std::string(1, '`');
        error += walked.empty() ? std::string("(root)") : walked;
        error += "` is not a list, so [" + st.selector + "] does not apply";
        return nullptr;
      }
      cur = cur->element.get();
      walked += "[" + st.selector + "]";
      continue;
    }
    if (cur->kind == K::dict) {
      cur = cur->element.get();
      walked = field_path(walked, st.key);
      continue;
    }
    if (cur->kind != K::map) {
      error = "`" + walked + "` has no keys, so `" + st.key + "` does not exist";
      return nullptr;
    }
    const auto it = std::find_if(cur->fields.begin(), cur->fields.end(),
                                 [&](const SchemaField& f) { return f.name == st.key; });
    if (it == cur->fields.end()) {
      std::vector<std::string> names;
      for (const auto& f : cur->fields) names.push_back(f.name);
      error =
          "no key `" + st.key + "` in " + (walked.empty() ? "the scenario" : "`" + walked + "`");
      const std::string near = closest_match(st.key, names);
      if (!near.empty()) error += "; did you mean `" + near + "`?";
      return nullptr;
    }
    cur = &it->node;
    walked = field_path(walked, st.key);
  }
  return cur;
}

}  // namespace labtwin::adapters
