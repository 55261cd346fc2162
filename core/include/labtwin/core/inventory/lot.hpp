#pragma once
/// @file Lots: a quantity of one SKU with one expiry, QC state and location.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "labtwin/core/inventory/ids.hpp"
#include "labtwin/core/ports.hpp"

namespace labtwin::core::inventory {

/// Quality-control state of a lot.
enum class QcState : std::uint8_t { Quarantine, Released, Rejected };

/// Short name, e.g. "quarantine".
std::string_view to_string(QcState s);

/// One lot (batch) of a SKU at one location.
struct Lot {
  std::string code{};                ///< external lot id, unique ("<code>.<n>" for split parts)
  SkuId sku{};                       ///< what it is
  LocId location = kNoLoc;           ///< where it is
  std::optional<Instant> expiry{};   ///< expires at this instant (expired when now >= expiry)
  double on_hand = 0.0;              ///< quantity present, in the item's unit
  double reserved = 0.0;             ///< part of on_hand promised to reservations
  QcState qc = QcState::Quarantine;  ///< QC state
  std::uint64_t receipt_seq = 0;  ///< sequence number of the receipt (FIFO order; kept by splits)
  PoId po = kNoPo;                ///< purchase order it was received against, if any

  /// True if the lot is expired at `now`.
  bool expired_at(Instant now) const { return expiry && now >= *expiry; }
  bool operator==(const Lot&) const = default;
};

/// Code of the part split off lot `code` by a partial transfer into new lot `part`:
/// "<code>.<part handle>", e.g. "L-7.42".
std::string split_lot_code(std::string_view code, LotId part);

}  // namespace labtwin::core::inventory
