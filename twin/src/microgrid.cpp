// The site microgrid: exact event-driven dispatch of PV, battery, grid, generator and loads.
#include "labtwin/twin/microgrid.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace labtwin::twin {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
/// Events due this close after an advance target are applied then (one kernel tick).
constexpr double kTimeTol = 1e-6;
/// Relative tolerance of the energy balance.
constexpr double kBalanceTol = 1e-9;

void require(bool ok, const std::string& what) {
  if (!ok) throw std::invalid_argument(what);
}

bool fraction(double x) { return x >= 0.0 && x <= 1.0; }

}  // namespace

// [SECTION] Series ----------------------------------------------------------------------------

double StepSeries::at(double t) const {
  if (values.empty()) return constant;
  const auto n = static_cast<std::int64_t>(values.size());
  auto k = static_cast<std::int64_t>(std::floor((t - start_s) / step_s));
  k %= n;
  if (k < 0) k += n;
  return values[static_cast<std::size_t>(k)];
}

double StepSeries::next_change(double t) const {
  if (values.empty()) return kInf;
  const double k = std::floor((t - start_s) / step_s);
  double next = start_s + (k + 1.0) * step_s;
  if (next <= t) next += step_s;  // rounding at a boundary
  return next;
}

// [SECTION] Parameters ------------------------------------------------------------------------

void BatteryParams::validate() const {
  require(std::isfinite(capacity_wh) && capacity_wh >= 0, "battery.capacity must be >= 0");
  if (capacity_wh == 0) return;
  require(fraction(soc_min), "battery.soc_min must be within 0..1");
  require(fraction(soc_max) && soc_max > soc_min, "battery.soc_max must be within soc_min..1");
  require(soc_initial >= soc_min && soc_initial <= soc_max,
          "battery.soc_initial must be within soc_min..soc_max");
  require(soc_reserve >= soc_min && soc_reserve <= soc_max,
          "battery.soc_reserve must be within soc_min..soc_max");
  require(soc_reconnect >= soc_min && soc_reconnect <= soc_max,
          "battery.soc_reconnect must be within soc_min..soc_max");
  require(std::isfinite(charge_w) && charge_w >= 0, "battery.charge power must be >= 0");
  require(std::isfinite(discharge_w) && discharge_w >= 0, "battery.discharge power must be >= 0");
  require(charge_efficiency > 0 && charge_efficiency <= 1,
          "battery.charge_efficiency must be within 0 (excluded)..1");
  require(discharge_efficiency > 0 && discharge_efficiency <= 1,
          "battery.discharge_efficiency must be within 0 (excluded)..1");
}

void GeneratorParams::validate() const {
  require(std::isfinite(rated_w) && rated_w >= 0, "generator.rated power must be >= 0");
  if (rated_w == 0) return;
  require(std::isfinite(start_delay_s) && start_delay_s >= 0, "generator.start_delay must be >= 0");
  require(std::isfinite(tank_l) && tank_l > 0, "generator.tank must be > 0");
  require(fuel_initial_l >= 0 && fuel_initial_l <= tank_l,
          "generator.fuel_initial must be within 0..tank");
  require(f0_l_per_kwh >= 0 && f1_l_per_kwh >= 0, "generator fuel curve must be >= 0");
  require(fraction(start_soc), "generator.start_soc must be within 0..1");
  require(fuel_price_per_l >= 0 && carbon_kg_per_l >= 0,
          "generator fuel price and carbon must be >= 0");
}

void MicrogridParams::validate() const {
  require(std::isfinite(pv_kwp) && pv_kwp >= 0, "pv.kwp must be >= 0");
  require(fraction(pv_derate), "pv.derate must be within 0..1");
  battery.validate();
  generator.validate();
  for (const auto* s : {&irradiance, &price, &export_price, &carbon})
    require(s->values.empty() || s->step_s > 0, "series step must be > 0");
  for (double g : irradiance.values) require(g >= 0 && std::isfinite(g), "irradiance must be >= 0");
  for (double c : carbon.values) require(c >= 0 && std::isfinite(c), "carbon must be >= 0");
  for (const auto& [a, b] : outages)
    require(std::isfinite(a) && std::isfinite(b) && b > a, "grid outage must end after it starts");
}

// [SECTION] Strategies ------------------------------------------------------------------------

double SelfConsumption::battery_setpoint_w(const DispatchContext& c) const {
  const double surplus = c.pv_w - c.load_w;
  return surplus >= 0 ? std::min(surplus, c.max_charge_w) : -std::min(-surplus, c.max_discharge_w);
}

PeakShaving::PeakShaving(double limit_w) : limit_w_(limit_w) {
  require(std::isfinite(limit_w) && limit_w >= 0, "peak_shaving needs peak_limit >= 0");
}

double PeakShaving::battery_setpoint_w(const DispatchContext& c) const {
  const double net = c.load_w - c.pv_w;
  if (net > limit_w_) return -std::min(net - limit_w_, c.max_discharge_w);
  return std::min(c.max_charge_w, limit_w_ - net);  // PV surplus plus the headroom
}

CarbonAware::CarbonAware(double low, double high) : low_(low), high_(high) {
  require(low >= 0 && high >= low, "carbon_aware needs 0 <= carbon_low <= carbon_high");
}

double CarbonAware::battery_setpoint_w(const DispatchContext& c) const {
  const double net = c.load_w - c.pv_w;
  if (c.carbon_kg_per_kwh <= low_) return c.max_charge_w;
  if (c.carbon_kg_per_kwh >= high_)
    return net > 0 ? -std::min(net, c.max_discharge_w) : std::min(-net, c.max_charge_w);
  return net < 0 ? std::min(-net, c.max_charge_w) : 0.0;
}

std::unique_ptr<DispatchStrategy> make_strategy(const std::string& type, double peak_limit_w,
                                                double carbon_low, double carbon_high) {
  if (type == "self_consumption") return std::make_unique<SelfConsumption>();
  if (type == "peak_shaving") return std::make_unique<PeakShaving>(peak_limit_w);
  if (type == "carbon_aware") return std::make_unique<CarbonAware>(carbon_low, carbon_high);
  throw std::invalid_argument("unknown dispatch strategy '" + type +
                              "' (expected self_consumption, peak_shaving or carbon_aware)");
}

// [SECTION] Model -----------------------------------------------------------------------------

Microgrid::Microgrid(MicrogridParams params, std::unique_ptr<DispatchStrategy> strategy,
                     double start_s)
    : p_(std::move(params)), strategy_(std::move(strategy)), now_(start_s) {
  p_.validate();
  if (!strategy_) strategy_ = std::make_unique<SelfConsumption>();
  std::sort(p_.outages.begin(), p_.outages.end());
  // Merge overlapping outages so that the boundaries alternate down/up.
  std::vector<std::pair<double, double>> merged;
  for (const auto& o : p_.outages) {
    if (!merged.empty() && o.first <= merged.back().second)
      merged.back().second = std::max(merged.back().second, o.second);
    else
      merged.push_back(o);
  }
  p_.outages = std::move(merged);
  const auto& b = p_.battery;
  energy_wh_ = energy0_wh_ = b.capacity_wh * b.soc_initial;
  fuel_l_ = p_.generator.rated_w > 0 ? p_.generator.fuel_initial_l : 0.0;
  update_state();
  redispatch();
  plan_next();
}

Microgrid::Microgrid(Microgrid&&) noexcept = default;
Microgrid& Microgrid::operator=(Microgrid&&) noexcept = default;
Microgrid::~Microgrid() = default;

double Microgrid::soc() const {
  return p_.battery.capacity_wh > 0 ? energy_wh_ / p_.battery.capacity_wh : 0.0;
}

std::size_t Microgrid::add_load(LoadSpec spec) {
  require(std::isfinite(spec.rated_w) && spec.rated_w >= 0,
          "load " + spec.id + ": rated power must be >= 0");
  if (spec.has_profile)
    for (double v : spec.profile.values)
      require(std::isfinite(v) && v >= 0, "load " + spec.id + ": profile values must be >= 0");
  Load l;
  l.spec = std::move(spec);
  l.demand = l.spec.has_profile ? l.spec.profile.at(now_) : 0.0;
  l.connected = grid_up_;
  loads_.push_back(std::move(l));
  order_dirty_ = true;
  redispatch();
  plan_next();
  return loads_.size() - 1;
}

void Microgrid::set_demand(std::size_t i, double w) {
  auto& l = loads_.at(i);
  if (!(std::isfinite(w) && w >= 0))
    throw std::invalid_argument("load " + l.spec.id + ": demand must be a finite value >= 0");
  if (l.spec.has_profile)
    throw std::invalid_argument("load " + l.spec.id + ": follows its profile");
  if (w == l.demand) return;
  l.demand = w;
  redispatch();
  plan_next();
}

void Microgrid::take_switched(std::vector<std::size_t>& out) {
  out.clear();
  out.swap(switched_);
}

bool Microgrid::in_outage(double t) const {
  auto it = std::upper_bound(p_.outages.begin(), p_.outages.end(), t,
                             [](double x, const auto& o) { return x < o.first; });
  if (it == p_.outages.begin()) return false;
  --it;
  return t < it->second;
}

double Microgrid::next_outage_boundary(double t) const {
  auto it = std::upper_bound(p_.outages.begin(), p_.outages.end(), t,
                             [](double x, const auto& o) { return x < o.first; });
  if (it != p_.outages.begin() && t < std::prev(it)->second) return std::prev(it)->second;
  return it == p_.outages.end() ? kInf : it->first;
}

void Microgrid::advance_to(double t) {
  if (t < now_ - kTimeTol)
    throw std::invalid_argument("microgrid: cannot advance back from " + std::to_string(now_) +
                                " s to " + std::to_string(t) + " s");
  int same_time = 0;
  while (next_event_ <= t + kTimeTol) {
    const double te = std::max(next_event_, now_);
    same_time = te == now_ ? same_time + 1 : 0;
    if (same_time > 1000)
      throw std::logic_error("microgrid: no progress at t = " + std::to_string(now_) + " s");
    integrate(te - now_);
    now_ = te;
    ++events_;
    update_state();
    redispatch();
    plan_next();
  }
  if (t > now_) {
    integrate(t - now_);
    now_ = t;
  }
}

void Microgrid::update_state() {
  const bool up = !in_outage(now_);
  if (up != grid_up_ || (outage_log_.empty() && !up)) {
    if (!up) {
      outage_log_.push_back({now_, kNan, kNan});
    } else if (!outage_log_.empty()) {
      outage_log_.back().end = now_;
    }
  }
  grid_up_ = up;
  const auto& g = p_.generator;
  if (grid_up_) {
    gen_running_ = gen_starting_ = false;
    gen_ready_at_ = kInf;
  }
  if (gen_starting_ && now_ >= gen_ready_at_) {
    gen_starting_ = false;
    gen_running_ = true;
    gen_ready_at_ = kInf;
  }
  if (gen_running_ && fuel_l_ <= 1e-9 * g.tank_l) {
    gen_running_ = false;
    fuel_l_ = std::max(fuel_l_, 0.0);
  }
  for (auto& l : loads_)
    if (l.spec.has_profile) l.demand = l.spec.profile.at(now_);
}

void Microgrid::redispatch() {
  const auto& b = p_.battery;
  const auto& g = p_.generator;
  Flows f;
  f.pv = p_.pv_kwp * p_.pv_derate * p_.irradiance.at(now_);  // kWp x derate x G (W/m2) = W
  f.price = p_.price.at(now_);
  f.export_price = p_.export_price.at(now_);
  f.carbon = p_.carbon.at(now_);
  // Battery availability (a tolerance absorbs the sub-tick offset of limit events).
  const double cap = b.capacity_wh;
  const double tol_e = 1e-9 * cap;
  if (cap > 0) {
    if (grid_up_)
      lockout_ = false;
    else if (energy_wh_ <= b.soc_min * cap + tol_e)
      lockout_ = true;
    else if (lockout_ && energy_wh_ >= b.soc_reconnect * cap - tol_e)
      lockout_ = false;
  }
  const double floor = (grid_up_ ? b.soc_reserve : b.soc_min) * cap;
  const bool can_dis = cap > 0 && !lockout_ && energy_wh_ > floor + tol_e;
  const bool can_ch = cap > 0 && energy_wh_ < b.soc_max * cap - tol_e;
  const double pd = can_dis ? b.discharge_w : 0.0;
  const double pc = can_ch ? b.charge_w : 0.0;

  // Which loads are powered: all while the grid is up; islanded, by priority class within
  // the power the bus can deliver (a shed load comes back only if its rated draw fits too).
  bool any_shed = false;
  if (grid_up_) {
    for (std::size_t i = 0; i < loads_.size(); ++i)
      if (!loads_[i].connected) loads_[i].connected = true, switched_.push_back(i);
  } else {
    if (order_dirty_) {
      order_.resize(loads_.size());
      for (std::size_t i = 0; i < order_.size(); ++i) order_[i] = i;
      std::stable_sort(order_.begin(), order_.end(), [&](std::size_t x, std::size_t y) {
        return loads_[x].spec.priority > loads_[y].spec.priority;
      });
      order_dirty_ = false;
    }
    const double capacity = f.pv + pd + (gen_running_ ? g.rated_w : 0.0);
    const double tol_p = 1e-9 * std::max(capacity, 1.0);
    double served = 0.0;
    bool blocked = false;
    int blocked_class = 0;
    for (std::size_t i : order_) {
      auto& l = loads_[i];
      bool fits = false;
      if (!(blocked && l.spec.priority < blocked_class) && capacity > tol_p &&
          l.spec.priority >= p_.islanded_min_priority) {
        const double need = l.connected ? l.demand : std::max(l.demand, l.spec.rated_w);
        fits = served + need <= capacity + tol_p;
      }
      if (fits) {
        served += l.demand;
      } else if (!blocked && l.spec.priority >= p_.islanded_min_priority) {
        blocked = true;
        blocked_class = l.spec.priority;
      }
      any_shed |= !fits;
      if (fits != l.connected) {
        l.connected = fits;
        switched_.push_back(i);
        if (!fits && l.spec.critical && !outage_log_.empty() && std::isnan(outage_log_.back().lost))
          outage_log_.back().lost = now_;
      }
    }
  }
  for (const auto& l : loads_) {
    f.demand += l.demand;
    if (l.connected) f.served += l.demand;
    if (l.spec.critical) {
      f.demand_critical += l.demand;
      if (l.connected) f.served_critical += l.demand;
    }
  }

  double c = 0, d = 0;
  if (grid_up_) {
    DispatchContext ctx{now_, f.served, f.pv, f.price, f.carbon, soc(), pc, pd};
    double sp = std::clamp(strategy_->battery_setpoint_w(ctx), -pd, pc);
    // Below the outage reserve the battery recharges at full power whatever the strategy.
    if (cap > 0 && energy_wh_ < b.soc_reserve * cap - tol_e) sp = pc;
    c = std::max(sp, 0.0);
    d = std::max(-sp, 0.0);
    double imp = f.served + c - d - f.pv;
    if (imp < 0) {
      double surplus = -imp;
      imp = 0;
      if (p_.export_allowed) {
        f.export_ = surplus;
      } else {  // no export: discharge less, then curtail PV
        const double r = std::min(surplus, d);
        d -= r;
        surplus -= r;
        f.curtailed = std::min(surplus, f.pv);
      }
    }
    f.import = imp;
  } else {
    const double net = f.served - f.pv;
    if (gen_running_) f.generator = std::clamp(net + pc, 0.0, g.rated_w);
    const double residual = net - f.generator;
    if (residual > 0) {
      d = residual;
    } else {
      c = std::min(-residual, pc);
      f.curtailed = -residual - c;
    }
  }
  f.pv_used = f.pv - f.curtailed;
  f.charge = c;
  f.discharge = d;
  // Sanity of the dispatch (a failure is a model bug, not bad input).
  const double ptol = 1e-9 * std::max({f.pv, f.served, b.charge_w, b.discharge_w, 1.0});
  if (d > pd + ptol || c > pc + ptol || f.curtailed < -ptol || f.pv_used < -ptol ||
      f.import < -ptol || f.export_ < -ptol)
    throw std::logic_error("microgrid: infeasible dispatch at t = " + std::to_string(now_) + " s");
  // Bus power balance of the segment that starts now.
  const double in = f.pv_used + f.generator + f.import + f.discharge;
  const double out = f.served + f.export_ + f.charge;
  const double scale = std::max({in, out, 1e-300});
  const double residual = std::abs(in - out) / scale;
  if (residual > kBalanceTol)
    throw std::logic_error("microgrid: power balance violated at t = " + std::to_string(now_) +
                           " s: supply " + std::to_string(in) + " W, use " + std::to_string(out) +
                           " W");
  tot_.max_residual = std::max(tot_.max_residual, residual);
  flow_ = f;
  soc_rate_wh_per_s_ =
      cap > 0 ? (c * b.charge_efficiency - d / b.discharge_efficiency) / 3600.0 : 0.0;
  fuel_rate_l_per_s_ =
      gen_running_ ? (g.f0_l_per_kwh * g.rated_w + g.f1_l_per_kwh * f.generator) / 1000.0 / 3600.0
                   : 0.0;
  // Islanded and short of supply (or the battery low): start the generator.
  if (!grid_up_ && g.rated_w > 0 && !gen_running_ && !gen_starting_ && fuel_l_ > 1e-9 * g.tank_l &&
      (cap == 0 || any_shed || energy_wh_ <= g.start_soc * cap + tol_e)) {
    gen_starting_ = true;
    gen_ready_at_ = now_ + g.start_delay_s;
  }
  ++tot_.changes;
  check_balance();
}

void Microgrid::integrate(double dt) {
  if (dt <= 0) return;
  const auto& f = flow_;
  const auto& b = p_.battery;
  const double h = dt / 3600.0;
  tot_.pv_available += f.pv * h;
  tot_.pv_used += f.pv_used * h;
  tot_.curtailed += f.curtailed * h;
  tot_.import += f.import * h;
  tot_.export_ += f.export_ * h;
  tot_.generator += f.generator * h;
  tot_.charge_bus += f.charge * h;
  tot_.discharge_bus += f.discharge * h;
  if (b.capacity_wh > 0) {
    tot_.stored += f.charge * b.charge_efficiency * h;
    tot_.withdrawn += f.discharge / b.discharge_efficiency * h;
    tot_.losses += (f.charge * (1.0 - b.charge_efficiency) +
                    f.discharge * (1.0 / b.discharge_efficiency - 1.0)) *
                   h;
  }
  tot_.demand += f.demand * h;
  tot_.served += f.served * h;
  tot_.unserved += (f.demand - f.served) * h;
  tot_.unserved_critical += (f.demand_critical - f.served_critical) * h;
  const double fuel = fuel_rate_l_per_s_ * dt;
  tot_.fuel_l += fuel;
  tot_.cost += (f.import * f.price - f.export_ * f.export_price) / 1000.0 * h +
               fuel * p_.generator.fuel_price_per_l;
  tot_.co2_kg += f.import * f.carbon / 1000.0 * h + fuel * p_.generator.carbon_kg_per_l;
  if (!grid_up_) tot_.islanded_s += dt;
  tot_.peak_import_w = std::max(tot_.peak_import_w, f.import);
  energy_wh_ += soc_rate_wh_per_s_ * dt;
  fuel_l_ -= fuel;
}

void Microgrid::check_balance() const {
  // Totals since the start: generation + import + discharge = load + export + charge + losses,
  // and the cells moved by exactly stored - withdrawn.
  const auto& t = tot_;
  const double lhs = t.pv_used + t.generator + t.import + t.withdrawn;
  const double rhs = t.served + t.export_ + t.stored + t.losses;
  const double scale = std::max({lhs, rhs, 1e-300});
  const double cells = (energy_wh_ - energy0_wh_) - (t.stored - t.withdrawn);
  const double cell_scale = std::max({t.stored + t.withdrawn, p_.battery.capacity_wh, 1e-300});
  if (std::abs(lhs - rhs) > kBalanceTol * scale || std::abs(cells) > kBalanceTol * cell_scale)
    throw std::logic_error("microgrid: energy balance violated at t = " + std::to_string(now_) +
                           " s: generation + import + discharge = " + std::to_string(lhs) +
                           " Wh, load + export + charge + losses = " + std::to_string(rhs) +
                           " Wh, cell drift " + std::to_string(cells) + " Wh");
}

void Microgrid::plan_next() {
  double next = p_.irradiance.next_change(now_);
  next = std::min({next, p_.price.next_change(now_), p_.export_price.next_change(now_),
                   p_.carbon.next_change(now_), next_outage_boundary(now_), gen_ready_at_});
  for (const auto& l : loads_)
    if (l.spec.has_profile) next = std::min(next, l.spec.profile.next_change(now_));
  const auto& b = p_.battery;
  if (soc_rate_wh_per_s_ > 0) {
    double target = lockout_ ? b.soc_reconnect * b.capacity_wh : b.soc_max * b.capacity_wh;
    const double reserve = b.soc_reserve * b.capacity_wh;
    if (grid_up_ && energy_wh_ < reserve - 1e-9 * b.capacity_wh)
      target = std::min(target, reserve);  // the forced recharge ends there
    next = std::min(next, now_ + std::max(0.0, (target - energy_wh_) / soc_rate_wh_per_s_));
  } else if (soc_rate_wh_per_s_ < 0) {
    const double floor = (grid_up_ ? b.soc_reserve : b.soc_min) * b.capacity_wh;
    next = std::min(next, now_ + std::max(0.0, (floor - energy_wh_) / soc_rate_wh_per_s_));
  }
  if (fuel_rate_l_per_s_ > 0)
    next = std::min(next, now_ + std::max(0.0, fuel_l_) / fuel_rate_l_per_s_);
  next_event_ = next;
}

std::vector<std::pair<double, double>> Microgrid::ride_through() const {
  std::vector<std::pair<double, double>> out;
  for (const auto& r : outage_log_) {
    const double end = std::isnan(r.end) ? now_ : r.end;
    out.emplace_back(r.start, (std::isnan(r.lost) ? end : r.lost) - r.start);
  }
  return out;
}

}  // namespace labtwin::twin
