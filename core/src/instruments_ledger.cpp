// The booking ledger: validation, follow-on effects (waitlist offers, bumps) and emission.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <type_traits>
#include <utility>

#include "labtwin/core/dispatch/dispatcher.hpp"
#include "labtwin/core/idempotency.hpp"
#include "labtwin/core/instruments/booking_ledger.hpp"
#include "labtwin/core/inventory/ledger.hpp"

namespace labtwin::core::instruments {

namespace {

Result fail(Reason r, std::string text) {
  Result out;
  out.reason = r;
  out.text = std::move(text);
  return out;
}

std::string bid(BookingId id) { return "booking #" + std::to_string(index(id)); }

// Durations in the texts: hours with up to 4 decimals.
std::string hours(Span s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4gh", s.to_hours());
  return buf;
}

std::int64_t pos_mod(std::int64_t a, std::int64_t m) {
  const std::int64_t r = a % m;
  return r < 0 ? r + m : r;
}

// Rounds `t` up to the granularity grid of local time (UTC + offset).
Instant align_up(Instant t, std::int64_t g, Span offset) {
  const std::int64_t r = pos_mod(t.us + offset.us, g);
  return r == 0 ? t : Instant{t.us + (g - r)};
}

Result check_rules(const BookingRules& r, const std::string& id) {
  if (r.granularity.us <= 0) {
    return fail(Reason::InvalidArgument, "instrument '" + id + "': granularity must be > 0");
  }
  if (r.min_slot.us <= 0 || r.max_slot < r.min_slot) {
    return fail(Reason::InvalidArgument, "instrument '" + id +
                                             "': need 0 < min_slot <= max_slot, got " +
                                             hours(r.min_slot) + " and " + hours(r.max_slot));
  }
  if (r.book_ahead.us < 0 || r.weekly_quota.us < 0 || r.late_cancel_cutoff.us < 0 ||
      r.check_in_early.us < 0 || r.no_show_grace.us < 0) {
    return fail(Reason::InvalidArgument,
                "instrument '" + id +
                    "': book_ahead, weekly_quota, late_cancel_cutoff, check_in_early and "
                    "no_show_grace must be >= 0");
  }
  return {};
}

}  // namespace

BookingLedger::BookingLedger(const Clock& clock, EventSink* sink, inventory::Ledger* stock,
                             Dispatcher* dispatch)
    : clock_(&clock), sink_(sink), stock_(stock), dispatch_(dispatch) {}

BookingLedger::BookingLedger(const Clock& clock, EventSink* sink, BookingLedgerState snapshot)
    : clock_(&clock), sink_(sink), state_(std::move(snapshot)) {}

Result BookingLedger::execute(const Command& command) {
  return std::visit([&](const auto& c) { return execute(c); }, command);
}

Result BookingLedger::execute(const AddInstrument& c) { return run(c); }
Result BookingLedger::execute(const AddRunType& c) { return run(c); }
Result BookingLedger::execute(const Request& c) { return run(c); }
Result BookingLedger::execute(const Approve& c) { return run(c); }
Result BookingLedger::execute(const Reject& c) { return run(c); }
Result BookingLedger::execute(const CheckIn& c) { return run(c); }
Result BookingLedger::execute(const Complete& c) { return run(c); }
Result BookingLedger::execute(const Cancel& c) { return run(c); }
Result BookingLedger::execute(const NoShow& c) { return run(c); }
Result BookingLedger::execute(const AddMaintenanceWindow& c) { return run(c); }
Result BookingLedger::execute(const ReportBreakdown& c) { return run(c); }
Result BookingLedger::execute(const RepairDone& c) { return run(c); }

template <typename C>
Result BookingLedger::run(const C& c) {
  if (!c.key.empty()) {
    if (const KeyedOutcome* o = state_.outcome(c.key)) return replayed_outcome<Result>(*o);
  }
  now_ = clock_->now();
  key_ = &c.key;
  batch_start_ = log_.size();
  // Handlers check everything before their first emit, so a rejection has emitted nothing.
  Result r = handle(c);
  key_ = nullptr;
  if (!r.ok()) return r;
  const std::size_t n = log_.size() - batch_start_;
  if (n == 0) return r;
  Event& first = log_[batch_start_];
  first.batch = static_cast<std::uint32_t>(n);
  r.first_seq = first.seq;
  r.last_seq = log_.back().seq;
  r.id = created_id(first.body);
  if (!c.key.empty()) state_.set_outcome(c.key, KeyedOutcome{r.first_seq, r.last_seq, r.id});
  return r;
}

void BookingLedger::emit(EventBody body) {
  Event e;
  e.seq = state_.last_seq() + 1;
  e.at = now_;
  e.body = std::move(body);
  if (log_.size() == batch_start_ && key_ != nullptr) e.key = *key_;
  state_.apply(e);
  log_.push_back(std::move(e));
  publish(log_.back());
}

Result BookingLedger::replay(const Event& event) {
  if (event.seq != state_.last_seq() + 1) {
    return fail(Reason::InvalidArgument, "replayed event has sequence number " +
                                             std::to_string(event.seq) + ", expected " +
                                             std::to_string(state_.last_seq() + 1));
  }
  state_.apply(event);
  log_.push_back(event);
  Result r;
  r.first_seq = r.last_seq = event.seq;
  r.id = created_id(event.body);
  return r;
}

void BookingLedger::publish(const Event& e) {
  if (sink_ == nullptr) return;
  DomainEvent d;
  d.at = e.at;
  d.kind = std::string(kind_of(e.body));
  std::visit(
      [&](const auto& b) {
        using T = std::decay_t<decltype(b)>;
        if constexpr (std::is_same_v<T, InstrumentAdded>) {
          d.entity = b.definition.id;
          d.detail = "type " + b.definition.type;
        } else if constexpr (std::is_same_v<T, RunTypeAdded>) {
          d.entity = b.definition.id;
          d.detail = std::to_string(b.definition.bom.size()) + " BOM lines";
        } else if constexpr (std::is_same_v<T, WindowAdded>) {
          d.entity = state_.instrument(b.definition.instrument).id;
          d.detail = std::string(to_string(b.definition.kind)) + " window #" +
                     std::to_string(index(b.window)) + " for " +
                     hours(b.definition.end - b.definition.start);
        } else if constexpr (std::is_same_v<T, BreakdownReported>) {
          d.entity = state_.instrument(b.instrument).id;
          d.detail = b.cause;
        } else if constexpr (std::is_same_v<T, RepairCompleted>) {
          d.entity = state_.instrument(b.instrument).id;
        } else {
          d.entity = bid(b.booking);
          const Booking& bk = state_.booking(b.booking);
          d.detail = state_.instrument(bk.instrument).id + " " + std::string(to_string(bk.status));
          if constexpr (std::is_same_v<T, BookingBumped>) {
            d.detail += ", notice " + hours(b.notice);
          } else if constexpr (std::is_same_v<T, RunLost>) {
            d.detail += ": " + b.detail;
          }
        }
      },
      e.body);
  sink_->publish(d);
}

// --- slot rules -------------------------------------------------------------------------------

Result BookingLedger::check_slot(InstrumentId instrument, Instant start, Instant end,
                                 std::string_view user, std::string_view project) const {
  if (!state_.valid(instrument)) {
    return fail(Reason::UnknownInstrument,
                "unknown instrument handle #" + std::to_string(index(instrument)));
  }
  return check_slot_at(instrument, start, end, user, project, now());
}

Result BookingLedger::check_slot_at(InstrumentId instrument, Instant start, Instant end,
                                    std::string_view user, std::string_view project,
                                    Instant now) const {
  const Instrument& ins = state_.instrument(instrument);
  const InstrumentBook& book = state_.book(instrument);
  const BookingRules& r = ins.rules;
  const std::string& name = ins.id;
  if (!(start < end)) {
    return fail(Reason::InvalidArgument, "slot on '" + name + "' must end after it starts");
  }
  const Span d = end - start;
  if (d < r.min_slot) {
    return fail(Reason::TooShort, "slot of " + hours(d) + " on '" + name +
                                      "' is shorter than the minimum " + hours(r.min_slot));
  }
  if (d > r.max_slot) {
    return fail(Reason::TooLong, "slot of " + hours(d) + " on '" + name +
                                     "' is longer than the maximum " + hours(r.max_slot));
  }
  const Span off = ins.hours.utc_offset();
  if (pos_mod(start.us + off.us, r.granularity.us) != 0 || d.us % r.granularity.us != 0) {
    return fail(Reason::Granularity, "slot on '" + name + "' is not on the " +
                                         hours(r.granularity) + " grid (start and length)");
  }
  if (start < now) return fail(Reason::InPast, "slot on '" + name + "' starts in the past");
  if (start - now > r.book_ahead) {
    return fail(Reason::TooFarAhead, "slot on '" + name + "' starts " + hours(start - now) +
                                         " ahead, beyond the book-ahead limit of " +
                                         hours(r.book_ahead));
  }
  if (!ins.hours.empty()) {
    const auto shift_end = ins.hours.shift_end(start);
    if (!shift_end || *shift_end < end) {
      return fail(Reason::OutsideHours,
                  "slot on '" + name + "' is not inside one stretch of working hours");
    }
  }
  if (const auto w = state_.first_window_overlap(instrument, start, end)) {
    const Window& win = state_.window(*w);
    if (win.kind == WindowKind::Outage) {
      return fail(Reason::InstrumentDown,
                  "'" + name + "' is down (outage window #" + std::to_string(index(*w)) + ")");
    }
    return fail(Reason::InMaintenance, "slot on '" + name + "' overlaps " +
                                           std::string(to_string(win.kind)) + " window #" +
                                           std::to_string(index(*w)));
  }
  if (r.weekly_quota.us > 0) {
    const std::string_view who = r.quota_scope == QuotaScope::User ? user : project;
    const Span used = state_.quota_used(instrument, who, BookingLedgerState::week_of(start, off));
    if (used + d > r.weekly_quota) {
      return fail(Reason::OverQuota, std::string(to_string(r.quota_scope)) + " '" +
                                         std::string(who) + "' has " + hours(used) +
                                         " booked that week on '" + name + "'; " + hours(d) +
                                         " more exceeds the quota of " + hours(r.weekly_quota));
    }
  }
  if (const auto b = book.slots.first_overlap(start, end)) {
    return fail(Reason::Overlap, "slot on '" + name + "' overlaps " + bid(BookingId{b->id}));
  }
  return {};
}

std::optional<Instant> BookingLedger::find_slot(InstrumentId instrument, Instant from,
                                                Span duration, std::string_view user,
                                                std::string_view project) const {
  if (!state_.valid(instrument)) return std::nullopt;
  const BookingRules& r = state_.instrument(instrument).rules;
  return find_slot_at(instrument, from, duration,
                      r.quota_scope == QuotaScope::User ? user : project, now());
}

std::optional<Instant> BookingLedger::find_slot_at(InstrumentId instrument, Instant from,
                                                   Span duration, std::string_view principal,
                                                   Instant now) const {
  const Instrument& ins = state_.instrument(instrument);
  const InstrumentBook& book = state_.book(instrument);
  const BookingRules& r = ins.rules;
  const std::int64_t g = r.granularity.us;
  const Span off = ins.hours.utc_offset();
  if (duration < r.min_slot || duration > r.max_slot || duration.us % g != 0) return std::nullopt;
  const Instant limit = now + r.book_ahead;
  Instant t = align_up(std::max(from, now), g, off);
  // Each step moves t strictly forward past one obstacle; the bound only guards pathologies.
  for (int step = 0; step < 1'000'000; ++step) {
    if (t > limit) return std::nullopt;
    const Instant e = t + duration;
    if (!ins.hours.empty()) {
      if (!ins.hours.on_shift(t)) {
        const auto next = ins.hours.next_shift_start(t);
        if (!next) return std::nullopt;
        t = align_up(*next, g, off);
        continue;
      }
      const auto shift_end = ins.hours.shift_end(t);
      if (*shift_end < e) {
        const auto next = ins.hours.next_shift_start(*shift_end);
        if (!next) return std::nullopt;
        t = align_up(*next, g, off);
        continue;
      }
    }
    if (const auto w = state_.first_window_overlap(instrument, t, e)) {
      t = align_up(std::max(state_.window(*w).end, t + Span{1}), g, off);
      continue;
    }
    if (r.weekly_quota.us > 0) {
      const std::int64_t week = BookingLedgerState::week_of(t, off);
      if (state_.quota_used(instrument, principal, week) + duration > r.weekly_quota) {
        t = align_up(BookingLedgerState::week_start(week + 1, off), g, off);
        continue;
      }
    }
    if (const auto b = book.slots.first_overlap(t, e)) {
      t = align_up(b->end, g, off);
      continue;
    }
    return t;
  }
  return std::nullopt;
}

Result BookingLedger::check_booking(BookingId id) const {
  if (!state_.valid(id)) return fail(Reason::UnknownBooking, "unknown " + bid(id));
  return {};
}

// --- follow-on effects ------------------------------------------------------------------------

void BookingLedger::offer_waitlist(InstrumentId instrument) {
  scratch_ = state_.book(instrument).waitlist;
  const bool approval = state_.instrument(instrument).rules.needs_approval;
  for (const BookingId id : scratch_) {
    const Booking& b = state_.booking(id);
    if (b.start < now_) {
      emit(WaitlistExpired{id});
    } else if (check_slot_at(instrument, b.start, b.end, b.user, b.project, now_).ok()) {
      emit(WaitlistPromoted{id, approval ? BookingStatus::Requested : BookingStatus::Confirmed});
    }
  }
}

void BookingLedger::bump_overlapping(InstrumentId instrument, WindowId window) {
  const Window w = state_.window(window);
  scratch_.clear();
  state_.book(instrument)
      .slots.for_each_overlap(w.start, w.end, [&](const IntervalIndex::Entry& e) {
        scratch_.push_back(BookingId{e.id});
      });
  // Bumped in start order: earlier bookings get the earlier re-offers.
  const std::vector<BookingId> bumped = scratch_;
  for (const BookingId id : bumped) {
    const Booking before = state_.booking(id);
    if (before.status == BookingStatus::CheckedIn) continue;  // handled by the caller
    emit(BookingBumped{id, window, before.start - now_});
    const Span d = before.end - before.start;
    if (const auto slot =
            find_slot_at(instrument, w.end, d, state_.principal(state_.booking(id)), now_)) {
      emit(BookingRebooked{id, *slot, *slot + d, before.status});
    }
  }
}

// --- handlers ---------------------------------------------------------------------------------

Result BookingLedger::handle(const AddInstrument& c) {
  const Instrument& ins = c.instrument;
  if (ins.id.empty()) return fail(Reason::InvalidArgument, "instrument id is empty");
  if (state_.find_instrument(ins.id)) {
    return fail(Reason::DuplicateId, "instrument '" + ins.id + "' is already registered");
  }
  if (Result r = check_rules(ins.rules, ins.id); !r.ok()) return r;
  emit(InstrumentAdded{InstrumentId{static_cast<std::uint32_t>(state_.instrument_count())}, ins});
  return {};
}

Result BookingLedger::handle(const AddRunType& c) {
  const RunType& rt = c.run_type;
  if (rt.id.empty()) return fail(Reason::InvalidArgument, "run type id is empty");
  if (state_.find_run_type(rt.id)) {
    return fail(Reason::DuplicateId, "run type '" + rt.id + "' is already registered");
  }
  for (const BomLine& l : rt.bom) {
    if (!std::isfinite(l.quantity) || l.quantity <= 0.0) {
      return fail(Reason::InvalidArgument,
                  "run type '" + rt.id + "': BOM quantities must be positive and finite");
    }
  }
  emit(RunTypeAdded{RunTypeId{static_cast<std::uint32_t>(state_.run_type_count())}, rt});
  return {};
}

Result BookingLedger::handle(const Request& c) {
  if (!state_.valid(c.instrument)) {
    return fail(Reason::UnknownInstrument,
                "unknown instrument handle #" + std::to_string(index(c.instrument)));
  }
  const Instrument& ins = state_.instrument(c.instrument);
  if (c.user.empty()) return fail(Reason::InvalidArgument, "request has no user");
  if (ins.rules.weekly_quota.us > 0 && ins.rules.quota_scope == QuotaScope::Project &&
      c.project.empty()) {
    return fail(Reason::InvalidArgument,
                "'" + ins.id + "' has a per-project quota: the request needs a project");
  }
  if (c.run_type != kNoRunType && !state_.valid(c.run_type)) {
    return fail(Reason::UnknownRunType,
                "unknown run type handle #" + std::to_string(index(c.run_type)));
  }
  Result fit = check_slot_at(c.instrument, c.start, c.end, c.user, c.project, now_);
  BookingStatus status =
      ins.rules.needs_approval ? BookingStatus::Requested : BookingStatus::Confirmed;
  if (!fit.ok()) {
    // The waitlist takes requests whose slot is held by another booking or by an outage
    // (both can free up); every other rule still rejects.
    const bool can_wait = fit.reason == Reason::Overlap || fit.reason == Reason::InstrumentDown;
    if (!(can_wait && c.waitlist)) return fit;
    status = BookingStatus::Waitlisted;
  }
  emit(BookingRequested{BookingId{static_cast<std::uint32_t>(state_.booking_count())}, c.instrument,
                        c.user, c.project, c.run_type, c.start, c.end, status});
  return {};
}

Result BookingLedger::handle(const Approve& c) {
  if (Result r = check_booking(c.booking); !r.ok()) return r;
  const Booking& b = state_.booking(c.booking);
  if (b.status != BookingStatus::Requested) {
    return fail(Reason::InvalidTransition, bid(b.id) + " is " + std::string(to_string(b.status)) +
                                               ", only a requested booking can be approved");
  }
  if (b.end <= now_) return fail(Reason::TooLate, bid(b.id) + ": its slot is over");
  emit(BookingApproved{c.booking});
  return {};
}

Result BookingLedger::handle(const Reject& c) {
  if (Result r = check_booking(c.booking); !r.ok()) return r;
  const Booking& b = state_.booking(c.booking);
  if (b.status != BookingStatus::Requested && b.status != BookingStatus::Waitlisted) {
    return fail(Reason::InvalidTransition,
                bid(b.id) + " is " + std::string(to_string(b.status)) +
                    ", only a requested or waitlisted booking can be rejected");
  }
  const bool freed = holds_slot(b.status);
  const InstrumentId ins = b.instrument;
  emit(BookingRejected{c.booking, c.note});
  if (freed) offer_waitlist(ins);
  return {};
}

Result BookingLedger::handle(const CheckIn& c) {
  if (Result r = check_booking(c.booking); !r.ok()) return r;
  const Booking& b = state_.booking(c.booking);
  const Instrument& ins = state_.instrument(b.instrument);
  if (b.status != BookingStatus::Confirmed) {
    return fail(Reason::InvalidTransition, bid(b.id) + " is " + std::string(to_string(b.status)) +
                                               ", only a confirmed booking can check in");
  }
  if (now_ < b.start - ins.rules.check_in_early) {
    return fail(Reason::TooEarly, bid(b.id) + ": check-in opens " +
                                      hours(ins.rules.check_in_early) + " before its start");
  }
  if (now_ >= b.end) return fail(Reason::TooLate, bid(b.id) + ": its slot is over");
  const BookingId id = c.booking;
  const InstrumentId instrument = b.instrument;
  if (state_.book(instrument).down()) {
    emit(RunLost{id, LossCause::Breakdown, "'" + ins.id + "' is down at check-in"});
    offer_waitlist(instrument);
    return {};
  }
  if (b.run_type != kNoRunType && stock_ != nullptr) {
    const RunType& rt = state_.run_type(b.run_type);
    // Check every SKU's total need first: a short item loses the run and nothing is issued.
    std::string shortage;
    for (std::size_t i = 0; i < rt.bom.size(); ++i) {
      const inventory::SkuId sku = rt.bom[i].sku;
      bool seen = false;
      for (std::size_t j = 0; j < i; ++j) seen = seen || rt.bom[j].sku == sku;
      if (seen) continue;
      double need = 0.0;
      for (const BomLine& l : rt.bom) need += l.sku == sku ? l.quantity : 0.0;
      const bool known = stock_->state().valid(sku);
      const double have = known ? stock_->available(sku, ins.stock_site) : 0.0;
      if (have + inventory::kQtyEpsilon < need) {
        char buf[96];
        std::snprintf(buf, sizeof buf, " needs %.6g, %.6g available", need, have);
        shortage =
            "SKU '" +
            (known ? stock_->state().item(sku).sku : "#" + std::to_string(inventory::index(sku))) +
            "'" + buf;
        break;
      }
    }
    if (shortage.empty()) {
      for (std::size_t i = 0; i < rt.bom.size(); ++i) {
        inventory::Issue issue;
        issue.sku = rt.bom[i].sku;
        issue.quantity = rt.bom[i].quantity;
        issue.site = ins.stock_site;
        issue.key = bid(id) + "/bom#" + std::to_string(i);
        const inventory::Result ir = stock_->execute(issue);
        if (!ir.ok()) {  // unreachable after the check above unless the stock ledger disagrees
          shortage = "issue of BOM line " + std::to_string(i) + " failed: " + ir.reason;
          break;
        }
      }
    }
    if (!shortage.empty()) {
      emit(RunLost{id, LossCause::Stockout, shortage});
      offer_waitlist(instrument);
      return {};
    }
  }
  emit(CheckedIn{id});
  return {};
}

Result BookingLedger::handle(const Complete& c) {
  if (Result r = check_booking(c.booking); !r.ok()) return r;
  const Booking& b = state_.booking(c.booking);
  if (b.status != BookingStatus::CheckedIn) {
    return fail(Reason::InvalidTransition, bid(b.id) + " is " + std::string(to_string(b.status)) +
                                               ", only a checked-in run can complete");
  }
  const Instant end = std::clamp(now_, b.start, b.end);
  const bool freed = end < b.end;
  const InstrumentId instrument = b.instrument;
  emit(RunCompleted{c.booking, end});
  if (freed) offer_waitlist(instrument);
  return {};
}

Result BookingLedger::handle(const Cancel& c) {
  if (Result r = check_booking(c.booking); !r.ok()) return r;
  const Booking& b = state_.booking(c.booking);
  if (b.status != BookingStatus::Waitlisted && b.status != BookingStatus::Requested &&
      b.status != BookingStatus::Confirmed) {
    return fail(Reason::InvalidTransition,
                bid(b.id) + " is " + std::string(to_string(b.status)) +
                    ", only a waitlisted, requested or confirmed booking can be cancelled");
  }
  const Instrument& ins = state_.instrument(b.instrument);
  // Late: a slot-holding booking cancelled after the cut-off (waitlisted ones are never late).
  const bool late = holds_slot(b.status) && now_ > b.start - ins.rules.late_cancel_cutoff;
  const bool freed = holds_slot(b.status);
  const InstrumentId instrument = b.instrument;
  emit(BookingCancelled{c.booking, late});
  if (freed) offer_waitlist(instrument);
  return {};
}

Result BookingLedger::handle(const NoShow& c) {
  if (Result r = check_booking(c.booking); !r.ok()) return r;
  const Booking& b = state_.booking(c.booking);
  if (b.status != BookingStatus::Confirmed) {
    return fail(Reason::InvalidTransition, bid(b.id) + " is " + std::string(to_string(b.status)) +
                                               ", only a confirmed booking can be a no-show");
  }
  const Instrument& ins = state_.instrument(b.instrument);
  if (now_ < b.start + ins.rules.no_show_grace) {
    return fail(Reason::TooEarly, bid(b.id) + ": a no-show is recorded from " +
                                      hours(ins.rules.no_show_grace) + " after its start");
  }
  const InstrumentId instrument = b.instrument;
  emit(NoShowRecorded{c.booking});
  offer_waitlist(instrument);
  return {};
}

Result BookingLedger::handle(const AddMaintenanceWindow& c) {
  if (!state_.valid(c.instrument)) {
    return fail(Reason::UnknownInstrument,
                "unknown instrument handle #" + std::to_string(index(c.instrument)));
  }
  const Instrument& ins = state_.instrument(c.instrument);
  if (c.kind == WindowKind::Outage) {
    return fail(Reason::InvalidArgument, "outages are reported with ReportBreakdown");
  }
  if (!(c.start < c.end)) {
    return fail(Reason::InvalidArgument, "window on '" + ins.id + "' must end after it starts");
  }
  if (c.start < now_) return fail(Reason::InPast, "window on '" + ins.id + "' starts in the past");
  std::optional<BookingId> running;
  state_.book(c.instrument).slots.for_each_overlap(c.start, c.end, [&](const auto& e) {
    if (state_.booking(BookingId{e.id}).status == BookingStatus::CheckedIn)
      running = BookingId{e.id};
  });
  if (running) {
    return fail(Reason::InUse, "window on '" + ins.id + "' overlaps the run of " + bid(*running) +
                                   ", which is checked in");
  }
  const WindowId w{static_cast<std::uint32_t>(state_.window_count())};
  emit(WindowAdded{w, Window{c.instrument, c.start, c.end, c.kind, c.note}});
  bump_overlapping(c.instrument, w);
  return {};
}

Result BookingLedger::handle(const ReportBreakdown& c) {
  if (!state_.valid(c.instrument)) {
    return fail(Reason::UnknownInstrument,
                "unknown instrument handle #" + std::to_string(index(c.instrument)));
  }
  const Instrument& ins = state_.instrument(c.instrument);
  if (state_.book(c.instrument).down()) {
    return fail(Reason::InvalidTransition, "'" + ins.id + "' is already down");
  }
  if (c.expected_repair.us <= 0) {
    return fail(Reason::InvalidArgument,
                "breakdown of '" + ins.id + "': expected repair time must be > 0");
  }
  const WindowId w{static_cast<std::uint32_t>(state_.window_count())};
  const std::string instrument_id = ins.id;
  emit(WindowAdded{
      w, Window{c.instrument, now_, now_ + c.expected_repair, WindowKind::Outage, c.cause}});
  emit(BreakdownReported{c.instrument, w, c.cause});
  // Runs checked in on the instrument (also early check-ins of a slot starting inside the
  // outage) are lost; the other bookings in the outage are bumped.
  scratch_.clear();
  state_.book(c.instrument)
      .slots.for_each_overlap(now_, now_ + c.expected_repair, [&](const IntervalIndex::Entry& e) {
        if (state_.booking(BookingId{e.id}).status == BookingStatus::CheckedIn) {
          scratch_.push_back(BookingId{e.id});
        }
      });
  const std::vector<BookingId> running = scratch_;
  for (const BookingId id : running) {
    emit(RunLost{id, LossCause::Breakdown, "breakdown: " + c.cause});
  }
  bump_overlapping(c.instrument, w);
  if (dispatch_ != nullptr) {
    Ticket t;
    t.id = "repair:" + instrument_id + "#" + std::to_string(index(w));
    t.kind = TicketKind::Repair;
    t.priority = 1;
    t.created = now_;
    t.sla_deadline = now_ + Span::hours(4);
    t.required_skill = c.skill;
    t.estimated_duration = c.expected_repair;
    dispatch_->open_ticket(std::move(t));
  }
  return {};
}

Result BookingLedger::handle(const RepairDone& c) {
  if (!state_.valid(c.instrument)) {
    return fail(Reason::UnknownInstrument,
                "unknown instrument handle #" + std::to_string(index(c.instrument)));
  }
  if (!state_.book(c.instrument).down()) {
    return fail(Reason::InvalidTransition,
                "'" + state_.instrument(c.instrument).id + "' is not down");
  }
  emit(RepairCompleted{c.instrument, now_});
  offer_waitlist(c.instrument);
  return {};
}

}  // namespace labtwin::core::instruments
