#pragma once
/// @file DTN contact plans in and out: ION-DTN text (ionadmin `a contact` / `a range`) and
/// HDTN JSON (`contacts[]`).
///
/// ION: one command per line, `#` starts a comment. `a contact START END FROM TO RATE [CONF]`
/// (RATE in bytes/s, CONF in (0, 1], default 1) and `a range START END FROM TO OWLT` (OWLT in
/// s). A time is `+SECONDS` (after the plan epoch) or absolute `yyyy/mm/dd-hh:mm:ss` (UTC); the
/// epoch is the time of an `@ yyyy/mm/dd-hh:mm:ss` line, else the first absolute time in the
/// file. A range applies in both directions unless the reverse range is given; a contact takes
/// the owlt of the range that covers its start (0 when none). Other commands are ignored and
/// counted (ContactPlan::ignored_commands).
///
/// HDTN: `{"contacts": [{"contact", "source", "dest", "startTime", "endTime",
/// "rateBitsPerSec", "owlt"}, ...]}` (times in s, rate in bit/s; optional "confidence"). A
/// contact with endTime <= startTime is kept but never usable (ContactPlan::empty_contacts).
#include <cstddef>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>

#include "labtwin/twin/dtn/contact_plan.hpp"

namespace labtwin::adapters {

/// A contact-plan error naming the file and the line (ION) or JSON path (HDTN).
class ContactPlanError : public std::runtime_error {
 public:
  /// what() = "FILE:LINE: error: MESSAGE" (":LINE" omitted when 0) or
  /// "FILE: error: PATH: MESSAGE" when `path` is not empty.
  ContactPlanError(std::string file, std::size_t line, std::string path, const std::string& msg);
  /// The file (or source name) the error is about.
  const std::string& file() const { return file_; }
  /// 1-based line (ION), or 0.
  std::size_t line() const { return line_; }
  /// JSON path such as "contacts[3].rateBitsPerSec" (HDTN), or empty.
  const std::string& path() const { return path_; }

 private:
  std::string file_;
  std::size_t line_ = 0;
  std::string path_;
};

/// Parses an ION contact plan; `source` names it in errors. Throws ContactPlanError.
twin::dtn::ContactPlan parse_ion_contact_plan(std::string_view text, std::string_view source);
/// Parses an HDTN JSON contact plan; `source` names it in errors. Throws ContactPlanError.
twin::dtn::ContactPlan parse_hdtn_contact_plan(std::string_view text, std::string_view source);
/// Parses either format: JSON when the first non-blank character is '{', else ION.
twin::dtn::ContactPlan parse_contact_plan(std::string_view text, std::string_view source);
/// Reads and parses a plan file (either format). Throws ContactPlanError (also when unreadable).
twin::dtn::ContactPlan load_contact_plan(const std::filesystem::path& file);

/// Fuzz entry point: parses `size` bytes as a plan of either format; returns 0 whether the
/// input was valid or not (a crash or sanitizer report is the only failure).
int fuzz_contact_plan(const unsigned char* data, std::size_t size);

}  // namespace labtwin::adapters
