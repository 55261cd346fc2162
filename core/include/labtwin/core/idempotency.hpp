#pragma once
/// @file Idempotency keys shared by the core's event-sourced ledgers (stock, bookings): a
/// command whose key was seen before changes nothing and gets the original outcome back.

namespace labtwin::core {

/// The result a ledger returns for a repeated key: the recorded outcome of the first command
/// with that key, flagged `duplicate`. `Result` and `Outcome` are the ledger's own types (both
/// have first_seq, last_seq and id).
template <class Result, class Outcome>
Result replayed_outcome(const Outcome& o) {
  Result r;
  r.first_seq = o.first_seq;
  r.last_seq = o.last_seq;
  r.id = o.id;
  r.duplicate = true;
  return r;
}

}  // namespace labtwin::core
