#include <algorithm>
#include <stdexcept>
#include <string>
#include <tuple>

#include "labtwin/core/dispatch/dispatcher.hpp"

namespace labtwin::core {

struct Dispatcher::TicketRec {
  Ticket t;
  std::uint64_t seq = 0;
  std::uint64_t skill_mask = 0;
  std::size_t tech = SIZE_MAX;      // holder while Assigned/InProgress
  std::size_t open_pos = SIZE_MAX;  // position in open_ while Open
};

struct Dispatcher::TechRec {
  Technician k;
  std::uint64_t seq = 0;
  std::uint64_t skills = 0;
  std::size_t ticket = SIZE_MAX;  // held ticket while Travelling/Working
  Instant idle_since;
  bool called_out = false;
};

namespace {

bool busy(TechnicianStatus s) {
  return s == TechnicianStatus::Travelling || s == TechnicianStatus::Working;
}
bool on_shift(TechnicianStatus s) { return s == TechnicianStatus::Available || busy(s); }

}  // namespace

Dispatcher::Dispatcher(const Clock& clock, EventSink& sink, const TravelTimes& travel,
                       DispatcherConfig config)
    : clock_(clock),
      sink_(sink),
      travel_(travel),
      config_(config),
      policy_(make_policy(config.policy)) {}

Dispatcher::~Dispatcher() = default;

void Dispatcher::set_policy(PolicyKind kind) {
  policy_ = make_policy(kind);
  config_.policy = kind;
}

void Dispatcher::publish(const char* kind, const std::string& entity, std::string detail) {
  sink_.publish(DomainEvent{clock_.now(), kind, entity, std::move(detail)});
}

std::uint64_t Dispatcher::skill_bit(const std::string& skill) {
  if (skill.empty()) return 0;
  auto it = skills_.find(skill);
  if (it != skills_.end()) return it->second;
  if (skills_.size() >= 64) {
    throw std::invalid_argument("dispatcher: skill '" + skill +
                                "' exceeds the limit of 64 distinct skills");
  }
  const std::uint64_t bit = std::uint64_t{1} << skills_.size();
  skills_.emplace(skill, bit);
  return bit;
}

std::size_t Dispatcher::ticket_at(const std::string& id) const {
  auto it = ticket_index_.find(id);
  if (it == ticket_index_.end()) throw std::out_of_range("dispatcher: unknown ticket '" + id + "'");
  return it->second;
}

std::size_t Dispatcher::tech_at(const std::string& id) const {
  auto it = tech_index_.find(id);
  if (it == tech_index_.end()) {
    throw std::out_of_range("dispatcher: unknown technician '" + id + "'");
  }
  return it->second;
}

const Ticket& Dispatcher::ticket(const std::string& id) const { return tickets_[ticket_at(id)].t; }

const Technician& Dispatcher::technician(const std::string& id) const {
  return techs_[tech_at(id)].k;
}

std::optional<std::string> Dispatcher::assignee(const std::string& ticket_id) const {
  const TicketRec& t = tickets_[ticket_at(ticket_id)];
  if (t.tech == SIZE_MAX) return std::nullopt;
  return techs_[t.tech].k.id;
}

std::size_t Dispatcher::open_count() const { return open_.size(); }

void Dispatcher::add_technician(Technician tech) {
  if (tech.id.empty()) throw std::invalid_argument("dispatcher: technician id is empty");
  if (tech_index_.count(tech.id) != 0) {
    throw std::invalid_argument("dispatcher: duplicate technician '" + tech.id + "'");
  }
  if (busy(tech.status)) {
    throw std::invalid_argument("dispatcher: technician '" + tech.id +
                                "' cannot be registered as busy without a ticket");
  }
  if (tech.callout_delay.us < 0) {
    throw std::invalid_argument("dispatcher: technician '" + tech.id +
                                "' has a negative callout delay");
  }
  (void)travel_.between(tech.location, tech.location);  // validates the location
  TechRec r;
  for (const std::string& s : tech.skills) r.skills |= skill_bit(s);
  if (tech.status == TechnicianStatus::OffShift && tech.on_call) {
    tech.status = TechnicianStatus::OnCall;
  }
  r.seq = techs_.size();
  r.idle_since = clock_.now();
  r.k = std::move(tech);
  tech_index_.emplace(r.k.id, techs_.size());
  techs_.push_back(std::move(r));
}

void Dispatcher::open_ticket(Ticket ticket) {
  if (ticket.id.empty()) throw std::invalid_argument("dispatcher: ticket id is empty");
  if (ticket_index_.count(ticket.id) != 0) {
    throw std::invalid_argument("dispatcher: duplicate ticket '" + ticket.id + "'");
  }
  if (ticket.priority < 0) {
    throw std::invalid_argument("dispatcher: ticket '" + ticket.id + "' has negative priority " +
                                std::to_string(ticket.priority));
  }
  if (ticket.estimated_duration.us < 0) {
    throw std::invalid_argument("dispatcher: ticket '" + ticket.id + "' has a negative duration");
  }
  (void)travel_.between(ticket.location, ticket.location);  // validates the location
  TicketRec r;
  r.skill_mask = skill_bit(ticket.required_skill);
  r.seq = tickets_.size();
  ticket.status = TicketStatus::Open;
  r.t = std::move(ticket);
  r.open_pos = open_.size();
  open_.push_back(tickets_.size());
  ticket_index_.emplace(r.t.id, tickets_.size());
  tickets_.push_back(std::move(r));
  const Ticket& t = tickets_.back().t;
  publish("dispatch.opened", t.id,
          std::string(to_string(t.kind)) + " priority=" + std::to_string(t.priority) +
              (t.critical ? " critical" : ""));
}

namespace {
// Removes index `idx` (at position `pos`) from an unordered index list, fixing the moved one.
template <class Recs>
void erase_open(std::vector<std::size_t>& open, Recs& recs, std::size_t idx) {
  const std::size_t pos = recs[idx].open_pos;
  open[pos] = open.back();
  recs[open[pos]].open_pos = pos;
  open.pop_back();
  recs[idx].open_pos = SIZE_MAX;
}
}  // namespace

void Dispatcher::release_tech(TechRec& k) {
  k.ticket = SIZE_MAX;
  k.idle_since = clock_.now();
  if (k.called_out) {
    k.called_out = false;
    k.k.status = TechnicianStatus::OnCall;
  } else {
    k.k.status = TechnicianStatus::Available;
  }
}

void Dispatcher::technician_available(const std::string& tech_id, std::optional<LocationId> at) {
  TechRec& k = techs_[tech_at(tech_id)];
  if (busy(k.k.status)) {
    throw std::logic_error("dispatcher: technician '" + tech_id + "' is busy with ticket '" +
                           tickets_[k.ticket].t.id + "'");
  }
  if (at) {
    (void)travel_.between(*at, *at);
    k.k.location = *at;
  }
  if (k.k.status != TechnicianStatus::Available) k.idle_since = clock_.now();
  k.k.status = TechnicianStatus::Available;
  k.called_out = false;
  publish("dispatch.tech_available", tech_id, "location=" + std::to_string(k.k.location));
}

void Dispatcher::technician_unavailable(const std::string& tech_id) {
  TechRec& k = techs_[tech_at(tech_id)];
  if (k.ticket != SIZE_MAX) {
    TicketRec& t = tickets_[k.ticket];
    if (k.k.status == TechnicianStatus::Working) k.k.location = t.t.location;
    t.tech = SIZE_MAX;
    t.t.status = TicketStatus::Open;
    t.open_pos = open_.size();
    open_.push_back(k.ticket);
    publish("dispatch.requeued", t.t.id, "technician " + tech_id + " left");
    k.ticket = SIZE_MAX;
  }
  k.called_out = false;
  k.k.status = k.k.on_call ? TechnicianStatus::OnCall : TechnicianStatus::OffShift;
  publish("dispatch.tech_unavailable", tech_id, std::string(to_string(k.k.status)));
}

void Dispatcher::start_work(const std::string& ticket_id) {
  TicketRec& t = tickets_[ticket_at(ticket_id)];
  if (t.t.status != TicketStatus::Assigned) {
    throw std::logic_error("dispatcher: cannot start ticket '" + ticket_id + "' in state " +
                           std::string(to_string(t.t.status)));
  }
  TechRec& k = techs_[t.tech];
  t.t.status = TicketStatus::InProgress;
  k.k.status = TechnicianStatus::Working;
  k.k.location = t.t.location;
  publish("dispatch.started", ticket_id, "technician=" + k.k.id);
}

void Dispatcher::complete_ticket(const std::string& ticket_id) {
  TicketRec& t = tickets_[ticket_at(ticket_id)];
  if (t.t.status != TicketStatus::InProgress && t.t.status != TicketStatus::Assigned) {
    throw std::logic_error("dispatcher: cannot complete ticket '" + ticket_id + "' in state " +
                           std::string(to_string(t.t.status)));
  }
  TechRec& k = techs_[t.tech];
  k.k.location = t.t.location;
  t.t.status = TicketStatus::Done;
  t.tech = SIZE_MAX;
  release_tech(k);
  publish("dispatch.completed", ticket_id, "technician=" + k.k.id);
}

void Dispatcher::cancel_ticket(const std::string& ticket_id) {
  TicketRec& t = tickets_[ticket_at(ticket_id)];
  switch (t.t.status) {
    case TicketStatus::Open:
      erase_open(open_, tickets_, ticket_at(ticket_id));
      break;
    case TicketStatus::Assigned:
    case TicketStatus::InProgress: {
      TechRec& k = techs_[t.tech];
      if (t.t.status == TicketStatus::InProgress) k.k.location = t.t.location;
      t.tech = SIZE_MAX;
      release_tech(k);
      break;
    }
    case TicketStatus::Done:
    case TicketStatus::Cancelled:
      throw std::logic_error("dispatcher: cannot cancel ticket '" + ticket_id + "' in state " +
                             std::string(to_string(t.t.status)));
  }
  t.t.status = TicketStatus::Cancelled;
  publish("dispatch.cancelled", ticket_id, "");
}

void Dispatcher::sync_shifts() {
  const Instant now = clock_.now();
  for (TechRec& k : techs_) {
    if (k.k.shifts.empty() || busy(k.k.status)) continue;
    const bool on = k.k.shifts.on_shift(now);
    if (on && k.k.status != TechnicianStatus::Available) {
      technician_available(k.k.id);
    } else if (!on && k.k.status == TechnicianStatus::Available) {
      technician_unavailable(k.k.id);
    }
  }
}

void Dispatcher::assign(std::size_t ti, std::size_t ki, Instant start, Span travel,
                        const char* kind) {
  TicketRec& t = tickets_[ti];
  TechRec& k = techs_[ki];
  if (t.open_pos != SIZE_MAX) erase_open(open_, tickets_, ti);
  t.t.status = TicketStatus::Assigned;
  t.tech = ki;
  k.ticket = ti;
  k.k.status = TechnicianStatus::Travelling;
  publish(kind, t.t.id,
          "technician=" + k.k.id + " start_us=" + std::to_string(start.us) +
              " travel_s=" + std::to_string(travel.to_seconds()));
}

Decision Dispatcher::decide() {
  Decision out;
  const Instant now = clock_.now();
  // Views in arrival / registration order so results never depend on edit history.
  view_ticket_.assign(open_.begin(), open_.end());
  std::sort(view_ticket_.begin(), view_ticket_.end());
  ticket_views_.clear();
  for (std::size_t idx : view_ticket_) {
    const TicketRec& r = tickets_[idx];
    ticket_views_.push_back(TicketView{r.seq, r.t.priority, r.t.critical, r.t.created,
                                       r.t.sla_deadline, r.skill_mask, r.t.location,
                                       r.t.estimated_duration});
  }
  view_tech_.clear();
  tech_views_.clear();
  for (std::size_t j = 0; j < techs_.size(); ++j) {
    const TechRec& k = techs_[j];
    if (k.k.status != TechnicianStatus::Available) continue;
    view_tech_.push_back(j);
    TechView v{k.seq, k.skills, k.k.location, now, k.idle_since};
    // Calendar technicians must finish by the end of the current shift; one made available
    // by hand outside its calendar is taken at the caller's word (no limit).
    if (config_.respect_shift_end && !k.k.shifts.empty()) {
      if (const auto end = k.k.shifts.shift_end(now)) v.available_until = *end;
    }
    tech_views_.push_back(v);
  }
  if (!ticket_views_.empty() && !tech_views_.empty()) {
    const DispatchProblem problem{now, ticket_views_, tech_views_, &travel_, config_.cost};
    policy_->assign(problem, pairs_);
    for (const Pairing& pr : pairs_) {
      const std::size_t ti = view_ticket_[pr.ticket];
      const std::size_t ki = view_tech_[pr.tech];
      const Span travel = pr.start - now;
      out.assignments.push_back(
          Assignment{tickets_[ti].t.id, techs_[ki].k.id, pr.start, travel, std::nullopt});
      assign(ti, ki, pr.start, travel, "dispatch.assigned");
    }
  }
  if (config_.allow_preemption) preempt_for_criticals(out);
  callouts(out);
  return out;
}

namespace {
template <class Recs>
void sort_by_urgency(std::vector<std::size_t>& idx, const Recs& recs) {
  std::sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) {
    const auto& x = recs[a];
    const auto& y = recs[b];
    return std::tuple(!x.t.critical, x.t.priority, x.t.created, x.seq) <
           std::tuple(!y.t.critical, y.t.priority, y.t.created, y.seq);
  });
}
}  // namespace

void Dispatcher::preempt_for_criticals(Decision& out) {
  view_ticket_.clear();
  for (std::size_t idx : open_) {
    if (tickets_[idx].t.critical) view_ticket_.push_back(idx);
  }
  if (view_ticket_.empty()) return;
  sort_by_urgency(view_ticket_, tickets_);
  const Instant now = clock_.now();
  for (std::size_t ti : view_ticket_) {
    TicketRec& t = tickets_[ti];
    std::size_t best = SIZE_MAX;
    Span best_travel;
    for (std::size_t j = 0; j < techs_.size(); ++j) {
      const TechRec& k = techs_[j];
      if (!busy(k.k.status) || (k.skills & t.skill_mask) != t.skill_mask) continue;
      if (tickets_[k.ticket].t.critical) continue;
      // A travelling technician is taken to be at its destination (no position en route).
      const LocationId from =
          k.k.status == TechnicianStatus::Working ? k.k.location : tickets_[k.ticket].t.location;
      const Span tr = travel_.between(from, t.t.location);
      if (best == SIZE_MAX || tr < best_travel) {
        best = j;
        best_travel = tr;
      }
    }
    if (best == SIZE_MAX) continue;
    TechRec& k = techs_[best];
    TicketRec& victim = tickets_[k.ticket];
    if (k.k.status == TechnicianStatus::Working) k.k.location = victim.t.location;
    // The routine ticket goes back to the queue with its original created time.
    victim.t.status = TicketStatus::Open;
    victim.tech = SIZE_MAX;
    victim.open_pos = open_.size();
    open_.push_back(k.ticket);
    k.ticket = SIZE_MAX;
    publish("dispatch.preempted", victim.t.id, "by critical ticket " + t.t.id);
    // If the victim was assigned in this same decision, the caller never acted on it.
    std::erase_if(out.assignments, [&](const Assignment& a) { return a.ticket == victim.t.id; });
    const Instant start = now + best_travel;
    out.assignments.push_back(Assignment{t.t.id, k.k.id, start, best_travel, victim.t.id});
    assign(ti, best, start, best_travel, "dispatch.assigned");
  }
}

void Dispatcher::callouts(Decision& out) {
  view_ticket_.clear();
  for (std::size_t idx : open_) {
    const TicketRec& t = tickets_[idx];
    if (t.t.critical || t.t.priority <= config_.callout_max_priority) view_ticket_.push_back(idx);
  }
  if (view_ticket_.empty()) return;
  sort_by_urgency(view_ticket_, tickets_);
  const Instant now = clock_.now();
  for (std::size_t ti : view_ticket_) {
    TicketRec& t = tickets_[ti];
    bool someone_on_shift = false;
    std::size_t best = SIZE_MAX;
    Span best_eta;
    Span best_travel;
    for (std::size_t j = 0; j < techs_.size(); ++j) {
      const TechRec& k = techs_[j];
      if ((k.skills & t.skill_mask) != t.skill_mask) continue;
      if (on_shift(k.k.status) && !k.called_out) {
        someone_on_shift = true;
        break;
      }
      if (k.k.status != TechnicianStatus::OnCall) continue;
      const Span tr = travel_.between(k.k.location, t.t.location);
      const Span eta = k.k.callout_delay + tr;
      if (best == SIZE_MAX || eta < best_eta) {
        best = j;
        best_eta = eta;
        best_travel = tr;
      }
    }
    // A qualified technician on shift will pick it up in a later decision.
    if (someone_on_shift || best == SIZE_MAX) continue;
    TechRec& k = techs_[best];
    k.called_out = true;
    out.callouts.push_back(Callout{t.t.id, k.k.id, now + best_eta});
    assign(ti, best, now + best_eta, best_travel, "dispatch.callout");
  }
}

}  // namespace labtwin::core
