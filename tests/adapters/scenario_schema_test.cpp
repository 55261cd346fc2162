#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "labtwin/adapters/schema.hpp"

namespace la = labtwin::adapters;

namespace {

std::string read_doc() {
  std::ifstream in(std::string(LABTWIN_SOURCE_DIR) + "/docs/scenario-format.md");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// Key paths documented in the doc: the first cell of table rows that starts with a backtick.
std::vector<std::string> documented_paths(const std::string& doc) {
  std::vector<std::string> out;
  std::istringstream in(doc);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("| `", 0) != 0) continue;
    const std::size_t end = line.find('`', 3);
    if (end != std::string::npos) out.push_back(line.substr(3, end - 3));
  }
  return out;
}

}  // namespace

TEST(ScenarioSchema, EditDistanceAndSuggestions) {
  EXPECT_EQ(la::edit_distance("setpont", "setpoint"), 1u);
  EXPECT_EQ(la::edit_distance("mian", "main"), 1u);  // adjacent transposition
  EXPECT_EQ(la::edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(la::edit_distance("", "abc"), 3u);
  EXPECT_EQ(la::closest_match("setpont", {"id", "setpoint", "fill"}), "setpoint");
  EXPECT_EQ(la::closest_match("dispach", {"dispatch", "picking"}), "dispatch");
  EXPECT_EQ(la::closest_match("x", {"id", "room"}), "");  // too far to be a typo
  EXPECT_EQ(la::closest_match("temperature", {"fill", "room"}), "");
}

TEST(ScenarioSchema, PathsParseAndResolve) {
  const auto steps = la::parse_path("sites[0].freezers[F-12].backup");
  ASSERT_TRUE(steps.ok()) << steps.error;
  ASSERT_EQ(steps.value.size(), 5u);
  EXPECT_EQ(steps.value[0].key, "sites");
  EXPECT_TRUE(steps.value[1].numeric);
  EXPECT_EQ(steps.value[1].index, 0u);
  EXPECT_FALSE(steps.value[3].numeric);
  EXPECT_EQ(steps.value[3].selector, "F-12");
  std::string err;
  const auto* node = la::resolve_schema_path(la::scenario_schema(), steps.value, err);
  ASSERT_NE(node, nullptr) << err;
  EXPECT_EQ(node->kind, la::SchemaKind::boolean);
  const auto shift = la::parse_path("shifts.day.start");
  ASSERT_TRUE(shift.ok());
  node = la::resolve_schema_path(la::scenario_schema(), shift.value, err);
  ASSERT_NE(node, nullptr) << err;
  EXPECT_EQ(node->kind, la::SchemaKind::clock_time);
  const auto bad = la::parse_path("policies.dispach");
  ASSERT_TRUE(bad.ok());
  EXPECT_EQ(la::resolve_schema_path(la::scenario_schema(), bad.value, err), nullptr);
  EXPECT_EQ(err, "no key `dispach` in `policies`; did you mean `dispatch`?");
  const auto not_list = la::parse_path("clock[0]");
  ASSERT_TRUE(not_list.ok());
  EXPECT_EQ(la::resolve_schema_path(la::scenario_schema(), not_list.value, err), nullptr);
  for (const char* text : {"", ".a", "a.", "a..b", "[0]", "a[", "a[]", "a[0]b"}) {
    EXPECT_FALSE(la::parse_path(text).ok()) << text;
  }
}

TEST(ScenarioSchema, EveryKeyHasDocAndAValidExampleAndDefault) {
  // The schema's own examples and defaults must pass its validation: a cheap guard against
  // documenting something the loader rejects.
  const auto paths = la::schema_key_paths(la::scenario_schema());
  ASSERT_GT(paths.size(), 100u);
  std::size_t checked = 0;
  for (const auto& p : paths) {
    if (p.field == nullptr) continue;
    EXPECT_FALSE(p.field->doc.empty()) << p.path;
    EXPECT_FALSE(p.field->example.empty()) << p.path;
    for (const std::string& text : {p.field->example, p.field->default_text}) {
      if (text.empty()) continue;
      std::vector<la::Diagnostic> diags;
      const la::TreeNode node = la::parse_yaml(text, "example", diags);
      ASSERT_TRUE(diags.empty()) << p.path << ": " << text;
      la::validate_node(node, *p.node, p.path, diags);
      for (const auto& d : diags) {
        // Required keys inside a short example map may be left out; anything else is a bug.
        if (d.message.rfind("missing required key", 0) == 0) continue;
        ADD_FAILURE() << p.path << " example/default `" << text << "`: " << la::format(d);
      }
      ++checked;
    }
  }
  EXPECT_GT(checked, 150u);
}

TEST(ScenarioSchema, DocsDocumentEveryKeyAndNothingElse) {
  const std::string doc = read_doc();
  ASSERT_FALSE(doc.empty()) << "docs/scenario-format.md not found under " << LABTWIN_SOURCE_DIR;
  const auto documented = documented_paths(doc);
  const std::set<std::string> doc_set(documented.begin(), documented.end());
  std::set<std::string> schema_set;
  for (const auto& p : la::schema_key_paths(la::scenario_schema())) {
    schema_set.insert(p.path);
    EXPECT_TRUE(doc_set.count(p.path) == 1)
        << "schema key `" << p.path << "` is not documented in docs/scenario-format.md";
  }
  for (const auto& d : documented) {
    EXPECT_TRUE(schema_set.count(d) == 1)
        << "docs/scenario-format.md documents `" << d << "`, which is not in the schema";
  }
  EXPECT_EQ(documented.size(), doc_set.size()) << "a key is documented twice";
  // Spot checks of the path forms.
  EXPECT_TRUE(schema_set.count("sites[].freezers[].setpoint"));
  EXPECT_TRUE(schema_set.count("shifts.<name>.days"));
  EXPECT_TRUE(schema_set.count("expect.<kpi>"));
  EXPECT_TRUE(schema_set.count("variants[].set.<path>"));
}

TEST(ScenarioSchema, TypesDescribeThemselves) {
  const auto& root = la::scenario_schema();
  std::map<std::string, std::string> types;
  for (const auto& p : la::schema_key_paths(root)) types[p.path] = la::describe_type(*p.node);
  EXPECT_EQ(types["sites"], "list of map");
  EXPECT_EQ(types["sites[].freezers[].setpoint"], "temperature");
  EXPECT_EQ(types["shifts"], "map <name> -> map");
  EXPECT_EQ(types["policies.picking"], "one of fefo, fifo");
  EXPECT_EQ(types["expect"], "map <kpi> -> expression");
}
