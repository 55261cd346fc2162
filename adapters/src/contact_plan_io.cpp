// Contact plans: the error type, format detection, file loading and the fuzz entry point.
#include "labtwin/adapters/contact_plan_io.hpp"

#include <cstdint>
#include <fstream>
#include <sstream>
#include <system_error>

namespace labtwin::adapters {
namespace {

std::string format_error(const std::string& file, std::size_t line, const std::string& path,
                         const std::string& msg) {
  // Appends only (GCC 12 warns falsely about `a + b` string temporaries here).
  std::string s;
  s.reserve(file.size() + path.size() + msg.size() + 32);
  s.append(file);
  if (line > 0) s.append(":").append(std::to_string(line));
  s.append(": error: ");
  if (!path.empty()) s.append(path).append(": ");
  s.append(msg);
  return s;
}

}  // namespace

ContactPlanError::ContactPlanError(std::string file, std::size_t line, std::string path,
                                   const std::string& msg)
    : std::runtime_error(format_error(file, line, path, msg)),
      file_(std::move(file)),
      line_(line),
      path_(std::move(path)) {}

twin::dtn::ContactPlan parse_contact_plan(std::string_view text, std::string_view source) {
  std::size_t i = 0;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") i = 3;  // UTF-8 BOM
  while (i < text.size() &&
         (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n'))
    ++i;
  if (i < text.size() && text[i] == '{') return parse_hdtn_contact_plan(text, source);
  return parse_ion_contact_plan(text, source);
}

twin::dtn::ContactPlan load_contact_plan(const std::filesystem::path& file) {
  // Only regular files of sane size (a device or FIFO named by a scenario would never end).
  std::error_code ec;
  if (std::filesystem::exists(file, ec) && !std::filesystem::is_regular_file(file, ec))
    throw ContactPlanError(file.string(), 0, "", "not a regular file");
  constexpr std::uintmax_t kMaxBytes = std::uintmax_t{1} << 30;
  if (const auto n = std::filesystem::file_size(file, ec); !ec && n > kMaxBytes)
    throw ContactPlanError(file.string(), 0, "", "larger than 1 GiB");
  std::ifstream in(file, std::ios::binary);
  if (!in) throw ContactPlanError(file.string(), 0, "", "cannot open the contact plan");
  std::stringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw ContactPlanError(file.string(), 0, "", "cannot read the contact plan");
  return parse_contact_plan(ss.str(), file.string());
}

int fuzz_contact_plan(const unsigned char* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    (void)parse_contact_plan(text, "fuzz");
  } catch (const ContactPlanError&) {
  }
  return 0;
}

}  // namespace labtwin::adapters
