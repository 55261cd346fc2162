// The booking state fold, its queries and its invariants.
#include <algorithm>
#include <stdexcept>
#include <type_traits>
#include <utility>

#include "labtwin/core/instruments/booking_state.hpp"

namespace labtwin::core::instruments {

namespace {

constexpr std::int64_t kWeekUs = 7LL * 86400 * 1'000'000;
// 1970-01-01 was a Thursday: Monday 1969-12-29 is three days before the epoch.
constexpr std::int64_t kMondayShiftUs = 3LL * 86400 * 1'000'000;

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

std::string bid(BookingId id) { return "booking #" + std::to_string(index(id)); }

}  // namespace

std::int64_t BookingLedgerState::week_of(Instant t, Span utc_offset) {
  return floor_div(t.us + utc_offset.us + kMondayShiftUs, kWeekUs);
}

Instant BookingLedgerState::week_start(std::int64_t week, Span utc_offset) {
  return Instant{week * kWeekUs - kMondayShiftUs - utc_offset.us};
}

std::string_view BookingLedgerState::principal(const Booking& b) const {
  return instrument(b.instrument).rules.quota_scope == QuotaScope::User
             ? std::string_view(b.user)
             : std::string_view(b.project);
}

void BookingLedgerState::charge(const Booking& b, std::int64_t sign) {
  const Instrument& ins = instrument(b.instrument);
  if (ins.rules.weekly_quota.us <= 0) return;  // no quota: nothing to count
  const std::int64_t week = week_of(b.start, ins.hours.utc_offset());
  const QuotaView view{index(b.instrument), week, principal(b)};
  auto it = quota_.find(view);
  if (it == quota_.end()) {
    it = quota_.emplace(QuotaKey{view.instrument, week, std::string(view.principal)}, 0).first;
  }
  it->second += sign * (b.end - b.start).us;
  if (it->second == 0) quota_.erase(it);  // keep the map canonical (replay equality)
}

Span BookingLedgerState::quota_used(InstrumentId instrument, std::string_view principal,
                                    std::int64_t week) const {
  const auto it = quota_.find(QuotaView{index(instrument), week, principal});
  return it == quota_.end() ? Span{} : Span{it->second};
}

void BookingLedgerState::unlist(const Booking& b) {
  auto& wl = books_.at(index(b.instrument)).waitlist;
  const auto it = std::find(wl.begin(), wl.end(), b.id);
  if (it != wl.end()) wl.erase(it);
}

void BookingLedgerState::release(Booking& b) {
  if (holds_slot(b.status)) books_.at(index(b.instrument)).slots.erase(b.start, index(b.id));
  if (counts_for_quota(b.status)) charge(b, -1);
  if (b.status == BookingStatus::Waitlisted) unlist(b);
}

void BookingLedgerState::hold(Booking& b) {
  if (!books_.at(index(b.instrument)).slots.insert(b.start, b.end, index(b.id))) {
    throw std::logic_error(bid(b.id) + ": replayed slot overlaps another booking");
  }
  charge(b, +1);
}

void BookingLedgerState::apply(const Event& event) {
  std::visit(
      [&](const auto& e) {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, InstrumentAdded>) {
          instruments_.push_back(e.definition);
          books_.emplace_back();
          instrument_index_.emplace(e.definition.id, e.instrument);
        } else if constexpr (std::is_same_v<T, RunTypeAdded>) {
          run_types_.push_back(e.definition);
          run_type_index_.emplace(e.definition.id, e.run_type);
        } else if constexpr (std::is_same_v<T, BookingRequested>) {
          Booking b;
          b.id = e.booking;
          b.instrument = e.instrument;
          b.user = e.user;
          b.project = e.project;
          b.run_type = e.run_type;
          b.start = e.start;
          b.end = e.end;
          b.requested_at = event.at;
          b.original_start = e.start;
          b.status = e.status;
          bookings_.push_back(std::move(b));
          Booking& nb = bookings_.back();
          (void)instrument(nb.instrument);  // range check
          if (holds_slot(nb.status)) {
            hold(nb);
          } else {
            books_.at(index(nb.instrument)).waitlist.push_back(nb.id);
          }
        } else if constexpr (std::is_same_v<T, BookingApproved>) {
          at(e.booking).status = BookingStatus::Confirmed;
        } else if constexpr (std::is_same_v<T, BookingRejected>) {
          Booking& b = at(e.booking);
          release(b);
          b.status = BookingStatus::Rejected;
        } else if constexpr (std::is_same_v<T, CheckedIn>) {
          Booking& b = at(e.booking);
          b.status = BookingStatus::CheckedIn;
          b.checked_in_at = event.at;
        } else if constexpr (std::is_same_v<T, RunCompleted>) {
          Booking& b = at(e.booking);
          release(b);
          b.end = e.end;
          b.status = BookingStatus::Completed;
          charge(b, +1);
          InstrumentBook& book = books_.at(index(b.instrument));
          book.usage = book.usage + (b.end - b.start);
        } else if constexpr (std::is_same_v<T, BookingCancelled>) {
          Booking& b = at(e.booking);
          release(b);
          b.status = e.late ? BookingStatus::LateCancelled : BookingStatus::Cancelled;
        } else if constexpr (std::is_same_v<T, NoShowRecorded>) {
          Booking& b = at(e.booking);
          release(b);
          b.status = BookingStatus::NoShow;
        } else if constexpr (std::is_same_v<T, RunLost>) {
          Booking& b = at(e.booking);
          release(b);
          b.status = e.cause == LossCause::Stockout ? BookingStatus::LostStockout
                                                    : BookingStatus::LostBreakdown;
        } else if constexpr (std::is_same_v<T, WindowAdded>) {
          InstrumentBook& book = books_.at(index(e.definition.instrument));
          windows_.push_back(e.definition);
          book.windows.emplace(e.definition.start.us, e.window);
          book.longest_window =
              std::max(book.longest_window, e.definition.end - e.definition.start);
        } else if constexpr (std::is_same_v<T, BookingBumped>) {
          Booking& b = at(e.booking);
          release(b);
          b.status = BookingStatus::Bumped;
          ++b.bumps;
        } else if constexpr (std::is_same_v<T, BookingRebooked>) {
          Booking& b = at(e.booking);
          b.start = e.start;
          b.end = e.end;
          b.status = e.status;
          hold(b);
        } else if constexpr (std::is_same_v<T, WaitlistPromoted>) {
          Booking& b = at(e.booking);
          unlist(b);
          b.status = e.status;
          hold(b);
        } else if constexpr (std::is_same_v<T, WaitlistExpired>) {
          Booking& b = at(e.booking);
          unlist(b);
          b.status = BookingStatus::Expired;
        } else if constexpr (std::is_same_v<T, BreakdownReported>) {
          (void)window(e.outage);
          books_.at(index(e.instrument)).outage = e.outage;
        } else if constexpr (std::is_same_v<T, RepairCompleted>) {
          InstrumentBook& book = books_.at(index(e.instrument));
          Window& w = windows_.at(index(book.outage));
          if (e.at < w.end) w.end = std::max(e.at, w.start);
          book.outage = kNoWindow;
        }
      },
      event.body);
  last_seq_ = event.seq;
  if (!event.key.empty()) {
    outcomes_[event.key] =
        KeyedOutcome{event.seq, event.seq + event.batch - 1, created_id(event.body)};
  }
}

void BookingLedgerState::set_outcome(const std::string& key, KeyedOutcome outcome) {
  outcomes_[key] = outcome;
}

std::optional<InstrumentId> BookingLedgerState::find_instrument(std::string_view id) const {
  const auto it = instrument_index_.find(id);
  if (it == instrument_index_.end()) return std::nullopt;
  return it->second;
}

std::optional<RunTypeId> BookingLedgerState::find_run_type(std::string_view id) const {
  const auto it = run_type_index_.find(id);
  if (it == run_type_index_.end()) return std::nullopt;
  return it->second;
}

std::optional<WindowId> BookingLedgerState::first_window_overlap(InstrumentId instrument,
                                                                 Instant start, Instant end) const {
  const InstrumentBook& book = this->book(instrument);
  if (!(start < end) || book.windows.empty()) return std::nullopt;
  // Windows may overlap one another, so scan those starting within one longest window before.
  std::optional<WindowId> best;
  Instant best_start{};
  auto it = book.windows.lower_bound(start.us - book.longest_window.us);
  for (; it != book.windows.end() && it->first < end.us; ++it) {
    const Window& w = window(it->second);
    if (w.end > start && w.start < end && (!best || w.start < best_start)) {
      best = it->second;
      best_start = w.start;
    }
  }
  return best;
}

const KeyedOutcome* BookingLedgerState::outcome(std::string_view key) const {
  const auto it = outcomes_.find(key);
  return it == outcomes_.end() ? nullptr : &it->second;
}

std::vector<std::string> BookingLedgerState::check_invariants() const {
  std::vector<std::string> out;
  std::vector<IntervalIndex> slots(instruments_.size());
  std::vector<Span> usage(instruments_.size());
  std::vector<std::vector<BookingId>> waitlists(instruments_.size());
  QuotaMap quota;
  for (const Booking& b : bookings_) {
    const std::uint32_t i = index(b.instrument);
    const Instrument& ins = instruments_.at(i);
    if (holds_slot(b.status)) {
      if (!slots[i].insert(b.start, b.end, index(b.id))) {
        out.push_back(bid(b.id) + " overlaps another booking on '" + ins.id + "'");
      }
      if (auto w = first_window_overlap(b.instrument, b.start, b.end)) {
        out.push_back(bid(b.id) + " (" + std::string(to_string(b.status)) + ") overlaps " +
                      std::string(to_string(window(*w).kind)) + " window #" +
                      std::to_string(index(*w)) + " on '" + ins.id + "'");
      }
      if (!ins.hours.empty()) {
        const auto end = ins.hours.shift_end(b.start);
        if (!end || *end < b.end) {
          out.push_back(bid(b.id) + " lies outside the working hours of '" + ins.id + "'");
        }
      }
    }
    if (b.status == BookingStatus::Completed) usage[i] = usage[i] + (b.end - b.start);
    if (b.status == BookingStatus::Waitlisted) waitlists[i].push_back(b.id);
    if (counts_for_quota(b.status) && ins.rules.weekly_quota.us > 0) {
      const std::int64_t week = week_of(b.start, ins.hours.utc_offset());
      quota[QuotaKey{i, week, std::string(principal(b))}] += (b.end - b.start).us;
    }
  }
  for (std::size_t i = 0; i < instruments_.size(); ++i) {
    const InstrumentBook& book = books_[i];
    const std::string& name = instruments_[i].id;
    if (!(slots[i] == book.slots)) out.push_back("slot index of '" + name + "' is stale");
    if (usage[i] != book.usage) {
      out.push_back("usage of '" + name + "' is " + std::to_string(book.usage.us) +
                    " us, completed bookings sum to " + std::to_string(usage[i].us) + " us");
    }
    if (waitlists[i] != book.waitlist) out.push_back("waitlist of '" + name + "' is stale");
  }
  if (quota != quota_) out.push_back("maintained quota totals differ from the bookings");
  for (const auto& [k, used] : quota) {
    const Span limit = instruments_.at(k.instrument).rules.weekly_quota;
    if (used > limit.us) {
      out.push_back("'" + k.principal + "' has " + std::to_string(used) + " us in week " +
                    std::to_string(k.week) + " on '" + instruments_.at(k.instrument).id +
                    "', over the quota of " + std::to_string(limit.us) + " us");
    }
  }
  return out;
}

bool BookingLedgerState::operator==(const BookingLedgerState& o) const {
  return last_seq_ == o.last_seq_ && instruments_ == o.instruments_ && books_ == o.books_ &&
         run_types_ == o.run_types_ && bookings_ == o.bookings_ && windows_ == o.windows_ &&
         instrument_index_ == o.instrument_index_ && run_type_index_ == o.run_type_index_ &&
         outcomes_ == o.outcomes_ && quota_ == o.quota_;
}

}  // namespace labtwin::core::instruments
