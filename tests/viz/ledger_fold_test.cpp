// Folding a results file's /ledger rows into lots and open orders at a time (playback): detail
// parsing with quotes, receipts, QC, issues, adjustments, write-offs, whole and split
// transfers, storage units found through parents, and purchase orders leaving "open" when
// released or cancelled.
#include <gtest/gtest.h>

#include <cmath>

#include "labtwin/viz/recording.hpp"

namespace labtwin::viz {
namespace {

constexpr std::int64_t kStart = 1'772'755'200'000'000;  // 2026-03-06T00:00:00Z
const double kNaN = std::nan("");

TEST(LedgerFold, DetailValues) {
  const std::string d = R"(kind=storage_unit parent=hall note="door \"A\" = open" x=)";
  EXPECT_EQ(ledger_value(d, "kind"), "storage_unit");
  EXPECT_EQ(ledger_value(d, "parent"), "hall");
  EXPECT_EQ(ledger_value(d, "note"), "door \"A\" = open");
  EXPECT_EQ(ledger_value(d, "x"), "");
  EXPECT_EQ(ledger_value(d, "missing"), "");
  EXPECT_EQ(ledger_value("", "kind"), "");
}

std::vector<LedgerRow> rows() {
  return {
      {0, "inventory.location_added", "bio", kNaN, "kind=site"},
      {0, "inventory.location_added", "hall", kNaN, "kind=room parent=bio"},
      {0, "inventory.location_added", "F-1", kNaN, "kind=storage_unit parent=hall capacity=10"},
      {0, "inventory.location_added", "F-1/r1", kNaN, "kind=rack parent=F-1"},
      {0, "inventory.location_added", "F-2", kNaN, "kind=storage_unit parent=hall"},
      {0, "inventory.received", "LOT-1", 10, "sku=RNA location=F-1/r1 expiry=2026-03-16T00:00:00Z"},
      {0, "inventory.qc_released", "LOT-1", kNaN, ""},
      {0, "inventory.received", "LOT-2", 5, "sku=DNA location=bio"},
      {10, "inventory.issued", "LOT-1", 3, "reservation=0"},
      {20, "inventory.transferred", "LOT-1.1", 2, "split_from=LOT-1 from=F-1/r1 to=F-2"},
      {30, "inventory.adjusted", "LOT-2", -1.5, "note=\"count fix\""},
      {40, "inventory.transferred", "LOT-2", 3.5, "from=bio to=F-2"},
      {50, "inventory.written_off", "LOT-1", 5, "reason=damaged"},
      {60, "inventory.po_requested", "PO-0", 20, "sku=RNA site=bio supplier=\"Acme Bio\""},
      {60, "inventory.po_requested", "PO-1", 8, "sku=DNA supplier=x"},
      {70, "inventory.po_advanced", "PO-0", kNaN, "to=approved"},
      {80, "inventory.po_advanced", "PO-1", kNaN, "to=cancelled"},
      {90, "inventory.qc_rejected", "LOT-2", kNaN, ""},
  };
}

TEST(LedgerFold, LotsAtEachTime) {
  std::vector<LotRow> lots;
  std::vector<OrderRow> orders;
  fold_ledger(rows(), 0.0, kStart, lots, orders);
  ASSERT_EQ(lots.size(), 2u);
  EXPECT_EQ(lots[0].code, "LOT-1");
  EXPECT_EQ(lots[0].sku, "RNA");
  EXPECT_EQ(lots[0].unit, "F-1");  // rack F-1/r1 -> its storage unit
  EXPECT_EQ(lots[0].quantity, 10);
  EXPECT_TRUE(lots[0].released);
  EXPECT_EQ(lots[0].expiry_s, 10 * 86400.0);
  EXPECT_EQ(lots[1].unit, "");  // at the site: in no storage unit
  EXPECT_FALSE(lots[1].released);
  EXPECT_EQ(lots[1].expiry_s, -1);
  EXPECT_TRUE(orders.empty());

  fold_ledger(rows(), 25.0, kStart, lots, orders);  // issued 3, split 2 off to F-2
  ASSERT_EQ(lots.size(), 3u);
  EXPECT_EQ(lots[0].quantity, 5);
  EXPECT_EQ(lots[2].code, "LOT-1.1");
  EXPECT_EQ(lots[2].quantity, 2);
  EXPECT_EQ(lots[2].unit, "F-2");
  EXPECT_TRUE(lots[2].released);  // a split part keeps its source's QC state and expiry
  EXPECT_EQ(lots[2].expiry_s, lots[0].expiry_s);

  fold_ledger(rows(), 100.0, kStart, lots, orders);
  ASSERT_EQ(lots.size(), 2u);  // LOT-1 written off to 0: no stock, not listed
  EXPECT_EQ(lots[0].code, "LOT-2");
  EXPECT_EQ(lots[0].quantity, 3.5);  // 5 - 1.5
  EXPECT_EQ(lots[0].unit, "F-2");    // moved whole
  EXPECT_FALSE(lots[0].released);    // rejected
  EXPECT_EQ(lots[1].code, "LOT-1.1");
  ASSERT_EQ(orders.size(), 1u);  // PO-1 cancelled
  EXPECT_EQ(orders[0].po, "PO-0");
  EXPECT_EQ(orders[0].state, "approved");
  EXPECT_EQ(orders[0].supplier, "Acme Bio");
  EXPECT_EQ(orders[0].quantity, 20);
  EXPECT_EQ(orders[0].sku, "RNA");
}

}  // namespace
}  // namespace labtwin::viz
