#!/usr/bin/env python3
"""Plot one freezer's temperatures from a labtwin results.h5 (docs/results-format.md).

    labtwin run scenarios/biobank-freezer-failure.yaml --out out
    python3 docs/examples/plot_freezer.py out/results.h5 A-07 freezer.png

Needs Debian's python3-h5py, python3-pandas and python3-matplotlib.
"""
import sys

import h5py
import matplotlib

matplotlib.use("Agg")  # no display needed
import matplotlib.pyplot as plt
import pandas as pd


def series(h5, sid):
    """A series as a pandas Series indexed by UTC time."""
    g = h5["series/" + sid]
    t = pd.to_datetime(g["time"][:], unit="us", utc=True)
    return pd.Series(g["value"][:], index=t, name=sid), g["value"].attrs["unit"]


def main(path, freezer, png):
    with h5py.File(path, "r") as h5:
        meta = dict(h5["meta"].attrs)
        air, unit = series(h5, freezer + "/air_temperature")
        payload, _ = series(h5, freezer + "/payload_temperature")
        alarm, _ = series(h5, freezer + "/alarm")
        kpi = pd.DataFrame(h5["kpi"][:])
        events = pd.DataFrame(h5["events"][:])
    for frame in (kpi, events):  # h5py returns variable-length strings as bytes
        for col in frame.columns:
            if frame[col].dtype == object:
                frame[col] = frame[col].str.decode("utf-8")
    fig, ax = plt.subplots(figsize=(9, 4), dpi=100)
    ax.plot(air.index, air.values, lw=0.8, label="air")
    ax.plot(payload.index, payload.values, lw=1.5, label="payload")
    ax.axhline(-70, color="tab:orange", ls="--", lw=1, label="alarm limit")
    ax.axhline(-60, color="tab:red", ls=":", lw=1, label="damage limit")
    raised = alarm[alarm > 0.5]
    if len(raised):
        ax.axvline(raised.index[0], color="tab:red", lw=1)
        ax.annotate("alarm", (raised.index[0], -62), color="tab:red")
    ax.set_ylabel("temperature (%s)" % unit)
    name = meta["scenario_name"]
    name = name.decode() if isinstance(name, bytes) else name
    ax.set_title("%s: %s (fingerprint %s)" % (name, freezer, meta["fingerprint"]))
    ax.legend(loc="upper left", fontsize=8)
    fig.autofmt_xdate()
    fig.tight_layout()
    fig.savefig(png)
    lost = kpi.loc[kpi["name"] == "samples_lost", "value"]
    print("%s: %d air samples, %d events, samples_lost %s -> %s"
          % (freezer, len(air), len(events), lost.iloc[0] if len(lost) else "?", png))


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
