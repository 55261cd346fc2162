#!/usr/bin/python3
"""Plot a labtwin sweep: one small PNG per KPI from sweep.csv.

Left panel: each variant's mean with its 95% confidence interval. Right panel: the paired
difference against the baseline (common random numbers) with its CI and the zero line; a
difference whose CI excludes zero is drawn filled.

Usage:
    labtwin sweep scenarios/reagent-reorder.yaml -n 30 --out out/
    scripts/plot_sweep.py out/sweep.csv --out out/plots [--kpi fill_rate ...]

Needs python3-matplotlib (Debian: apt-get install -y python3-matplotlib).
"""
import argparse
import csv
import math
import os
import sys

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt  # noqa: E402

# Display units: (scale divisor, label) per KPI unit, as the terminal table shows them.
UNITS = {"s": (3600.0, "h"), "J": (3.6e6, "kWh"), "ratio": (0.01, "%")}


def number(text):
    return float(text) if text not in ("", None) else math.nan


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("csv", help="sweep.csv written by labtwin sweep --out")
    ap.add_argument("--out", default="plots", help="directory for the PNGs")
    ap.add_argument("--kpi", action="append", help="only these KPIs (repeatable)")
    args = ap.parse_args()

    rows = list(csv.DictReader(open(args.csv, newline="")))
    if not rows:
        sys.exit(f"{args.csv}: no rows")
    kpis = []
    for r in rows:
        if r["kpi"] not in kpis:
            kpis.append(r["kpi"])
    if args.kpi:
        unknown = [k for k in args.kpi if k not in kpis]
        if unknown:
            sys.exit(f"{args.csv}: no KPI {', '.join(unknown)} (has: {', '.join(kpis)})")
        kpis = args.kpi
    os.makedirs(args.out, exist_ok=True)
    for kpi in kpis:
        sel = [r for r in rows if r["kpi"] == kpi]
        unit = sel[0]["unit"]
        scale, label = UNITS.get(unit, (1.0, "" if unit in ("count", "1") else unit))
        names = [r["variant"] for r in sel]
        mean = [number(r["mean"]) / scale for r in sel]
        hw = [number(r["ci_half_width"]) / scale for r in sel]
        if all(math.isnan(m) for m in mean):
            print(f"{kpi}: never defined in this sweep, skipped")
            continue
        fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(7.5, 2.8), dpi=110)
        ax1.errorbar(range(len(names)), mean, yerr=hw, fmt="o", capsize=4, color="tab:blue")
        ax1.set_xticks(range(len(names)), names, rotation=20, ha="right")
        ax1.set_title(f"{kpi}: mean, 95% CI", fontsize=9)
        ax1.set_ylabel(label)
        d_names, d_mean, d_hw, d_sig = [], [], [], []
        for r in sel[1:]:
            d_names.append(r["variant"])
            lo, hi = number(r["diff_ci_low"]), number(r["diff_ci_high"])
            m = number(r["diff_mean"])
            d_mean.append(m / scale)
            d_hw.append((hi - lo) / 2 / scale if not math.isnan(lo) else math.nan)
            d_sig.append(r["diff_excludes_zero"] == "true")
        ax2.axhline(0.0, color="grey", lw=0.8)
        for i, (m, h, s) in enumerate(zip(d_mean, d_hw, d_sig)):
            ax2.errorbar([i], [m], yerr=[h], fmt="o", capsize=4, color="tab:red",
                         mfc="tab:red" if s else "white")
        ax2.set_xticks(range(len(d_names)), d_names, rotation=20, ha="right")
        ax2.set_xlim(-0.5, max(len(d_names) - 0.5, 0.5))
        ax2.set_title(f"paired difference vs {sel[0]['variant']} (filled: CI excludes 0)",
                      fontsize=9)
        for ax in (ax1, ax2):
            ax.tick_params(labelsize=8)
            ax.grid(axis="y", alpha=0.3)
        fig.tight_layout()
        path = os.path.join(args.out, f"{kpi}.png")
        fig.savefig(path)
        plt.close(fig)
        print(path)


if __name__ == "__main__":
    main()
