#pragma once
/// @file Diagnostics: located error messages for scenario files, one per problem.
#include <string>
#include <vector>

namespace labtwin::adapters {

/// A position in a source file; line and column are 1-based (0 = unknown).
struct SourceLocation {
  std::string file;  ///< file name as given by the user (or the pretend name)
  int line = 0;      ///< 1-based line, 0 when unknown
  int column = 0;    ///< 1-based column, 0 when unknown
};

/// How bad a diagnostic is.
enum class Severity { error, warning };

/// One problem found in a scenario.
struct Diagnostic {
  SourceLocation location;              ///< where
  Severity severity = Severity::error;  ///< error or warning
  std::string path;                     ///< key path like `sites[1].freezers[3].setpoint`
  std::string message;                  ///< what is wrong and what was expected
};

/// `FILE:LINE:COL: error: PATH: MESSAGE` (LINE:COL and PATH omitted when unknown/empty).
std::string format(const Diagnostic& d);

/// Sorts by file, line, column (stable: equal positions keep their order) and drops exact
/// duplicates.
void sort_diagnostics(std::vector<Diagnostic>& diagnostics);

/// True when any diagnostic is an error.
bool has_errors(const std::vector<Diagnostic>& diagnostics);

}  // namespace labtwin::adapters
