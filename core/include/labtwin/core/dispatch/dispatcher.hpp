#pragma once
/// @file The dispatcher: ticket and technician state, decisions, preemption and callouts.
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "labtwin/core/dispatch/policy.hpp"
#include "labtwin/core/dispatch/technician.hpp"
#include "labtwin/core/dispatch/ticket.hpp"
#include "labtwin/core/dispatch/travel_times.hpp"
#include "labtwin/core/ports.hpp"

namespace labtwin::core {

/// Dispatcher settings.
struct DispatcherConfig {
  PolicyKind policy = PolicyKind::PriorityFifo;  ///< who gets what
  CostModel cost;                                ///< objective for OptimalBatch and evaluate()
  bool allow_preemption = true;                  ///< critical tickets may take routine work's tech
  int callout_max_priority = 0;   ///< callouts for critical tickets or priority <= this
  bool respect_shift_end = true;  ///< no work that would end after a calendar shift's end
};

/// An assignment made by decide().
struct Assignment {
  std::string ticket;                    ///< ticket id
  std::string technician;                ///< technician id
  Instant expected_start;                ///< departure + travel
  Span travel;                           ///< travel part
  std::optional<std::string> preempted;  ///< routine ticket sent back to the queue, if any
};

/// A callout made by decide(): an on-call technician comes in for a ticket.
struct Callout {
  std::string ticket;        ///< ticket id
  std::string technician;    ///< on-call technician id
  Instant expected_arrival;  ///< now + callout delay + travel
};

/// Everything decide() did.
struct Decision {
  std::vector<Assignment> assignments;  ///< on-shift assignments (including preemptions)
  std::vector<Callout> callouts;        ///< callouts of on-call technicians
};

/// Technician dispatch as pure logic: the caller reports what happens (tickets raised, shifts
/// starting, work started or finished) and calls decide(); decisions are applied to the
/// dispatcher's state at once and published as DomainEvents ("dispatch.*").
class Dispatcher {
 public:
  /// The clock, sink and travel model must outlive the dispatcher.
  Dispatcher(const Clock& clock, EventSink& sink, const TravelTimes& travel,
             DispatcherConfig config = {});
  ~Dispatcher();
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  /// Registers a technician (status as given); throws on a duplicate or empty id.
  void add_technician(Technician tech);
  /// Raises a ticket (status forced to Open); throws on a duplicate/empty id or priority < 0.
  void open_ticket(Ticket ticket);
  /// The technician is on shift and idle (optionally at `at`); an idle OnCall/OffShift
  /// technician becomes Available. Throws if the technician is busy.
  void technician_available(const std::string& tech_id, std::optional<LocationId> at = {});
  /// The technician leaves (becomes OnCall if on_call, else OffShift); an assigned or
  /// in-progress ticket goes back to the queue.
  void technician_unavailable(const std::string& tech_id);
  /// Work on an assigned ticket starts: ticket InProgress, technician Working at its location.
  void start_work(const std::string& ticket_id);
  /// Work is done: ticket Done, technician Available again (OnCall after a callout).
  void complete_ticket(const std::string& ticket_id);
  /// Cancels an Open/Assigned/InProgress ticket, freeing its technician.
  void cancel_ticket(const std::string& ticket_id);
  /// For technicians with a non-empty calendar, applies shift starts and ends at now()
  /// (busy technicians are left alone until they finish).
  void sync_shifts();

  /// Decides and applies the assignments, preemptions and callouts to make now.
  Decision decide();

  /// Switches policy.
  void set_policy(PolicyKind kind);
  /// The configuration.
  const DispatcherConfig& config() const { return config_; }
  /// A ticket by id; throws std::out_of_range naming the id.
  const Ticket& ticket(const std::string& id) const;
  /// A technician by id; throws std::out_of_range naming the id.
  const Technician& technician(const std::string& id) const;
  /// The technician holding a ticket, if any.
  std::optional<std::string> assignee(const std::string& ticket_id) const;
  /// Number of Open tickets.
  std::size_t open_count() const;

 private:
  struct TicketRec;
  struct TechRec;
  std::size_t ticket_at(const std::string& id) const;  // index or std::out_of_range
  std::size_t tech_at(const std::string& id) const;
  std::uint64_t skill_bit(const std::string& skill);  // interns; "" -> 0
  void release_tech(TechRec& k);
  void assign(std::size_t ti, std::size_t ki, Instant start, Span travel, const char* kind);
  void publish(const char* kind, const std::string& entity, std::string detail);
  void preempt_for_criticals(Decision& out);
  void callouts(Decision& out);

  const Clock& clock_;
  EventSink& sink_;
  const TravelTimes& travel_;
  DispatcherConfig config_;
  std::unique_ptr<DispatchPolicy> policy_;

  std::vector<TicketRec> tickets_;
  std::vector<TechRec> techs_;
  std::map<std::string, std::size_t, std::less<>> ticket_index_;
  std::map<std::string, std::size_t, std::less<>> tech_index_;
  std::map<std::string, std::uint64_t, std::less<>> skills_;
  std::vector<std::size_t> open_;  // indices of Open tickets (unordered; policies sort)

  // Scratch reused across decisions.
  std::vector<TicketView> ticket_views_;
  std::vector<TechView> tech_views_;
  std::vector<std::size_t> view_ticket_;
  std::vector<std::size_t> view_tech_;
  std::vector<Pairing> pairs_;
};

}  // namespace labtwin::core
