#include <CLI/CLI.hpp>
#include <iostream>

int main(int argc, char** argv) {
  CLI::App app{"labtwin: discrete-event digital twin for laboratory operations"};
  app.require_subcommand(1);
  auto* version = app.add_subcommand("version", "Print the labtwin version");
  version->callback([] { std::cout << "labtwin " << LABTWIN_VERSION << "\n"; });
  CLI11_PARSE(app, argc, argv);
  return 0;
}
