#pragma once
/// @file `labtwin dtn routes`: contact graph routes for a contact plan file (ION or HDTN).
#include <cstdint>
#include <iosfwd>
#include <string>

namespace CLI {
class App;
}

namespace labtwin::cli {

/// `labtwin dtn routes` inputs.
struct DtnRoutesFlags {
  std::string plan;              ///< contact plan file (ION text or HDTN JSON)
  std::uint64_t from = 0;        ///< --from NODE
  std::uint64_t to = 0;          ///< --to NODE
  std::string at = "0";          ///< --at: seconds after the plan epoch, or a duration ("2h")
  std::size_t k = 1;             ///< --k: number of routes (Yen)
  double size = 0;               ///< --size: bundle size, bytes
  std::string format = "table";  ///< --format table|json
};

/// Registers `dtn` and its `routes` subcommand on `app`; returns the `routes` subcommand.
CLI::App* add_dtn_command(CLI::App& app, DtnRoutesFlags& flags);

/// Runs `labtwin dtn routes` writing to `out` / `err`; returns the exit code.
int dtn_routes_command(const DtnRoutesFlags& flags, std::ostream& out, std::ostream& err);

}  // namespace labtwin::cli
