#include <CLI/CLI.hpp>
#include <iostream>
#include <string>
#include <vector>

#include "labtwin/adapters/scenario_loader.hpp"

int main(int argc, char** argv) {
  CLI::App app{"labtwin: discrete-event digital twin for laboratory operations"};
  app.require_subcommand(1);
  auto* version = app.add_subcommand("version", "Print the labtwin version");
  version->callback([] { std::cout << "labtwin " << LABTWIN_VERSION << "\n"; });
  int exit_code = 0;
  std::vector<std::string> validate_files;
  auto* validate = app.add_subcommand("validate", "Check scenario files and report every problem");
  validate->add_option("files", validate_files, "Scenario YAML files")->required();
  validate->callback([&] {
    exit_code = labtwin::adapters::validate_command(validate_files, std::cout, std::cerr);
  });
  CLI11_PARSE(app, argc, argv);
  return exit_code;
}
