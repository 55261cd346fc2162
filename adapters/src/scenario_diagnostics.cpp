#include <algorithm>
#include <tuple>

#include "labtwin/adapters/diagnostics.hpp"

namespace labtwin::adapters {

std::string format(const Diagnostic& d) {
  std::string out = d.location.file;
  if (d.location.line > 0) {
    out += ':' + std::to_string(d.location.line) + ':' + std::to_string(d.location.column);
  }
  out += d.severity == Severity::error ? ": error: " : ": warning: ";
  if (!d.path.empty()) out += d.path + ": ";
  out += d.message;
  return out;
}

void sort_diagnostics(std::vector<Diagnostic>& diagnostics) {
  auto key = [](const Diagnostic& d) {
    return std::tie(d.location.file, d.location.line, d.location.column);
  };
  std::stable_sort(diagnostics.begin(), diagnostics.end(),
                   [&](const Diagnostic& a, const Diagnostic& b) { return key(a) < key(b); });
  auto same = [&](const Diagnostic& a, const Diagnostic& b) {
    return key(a) == key(b) && a.severity == b.severity && a.path == b.path &&
           a.message == b.message;
  };
  diagnostics.erase(std::unique(diagnostics.begin(), diagnostics.end(), same), diagnostics.end());
}

bool has_errors(const std::vector<Diagnostic>& diagnostics) {
  return std::any_of(diagnostics.begin(), diagnostics.end(),
                     [](const Diagnostic& d) { return d.severity == Severity::error; });
}

}  // namespace labtwin::adapters
