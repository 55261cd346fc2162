#!/usr/bin/env bash
# Installs labtwin's build dependencies from Debian 12 packages. Idempotent: when everything is
# present it does nothing (no apt-get update), so a second call costs well under a second.
# Usage: scripts/setup.sh [--gui]   (--gui adds SDL2, Dear ImGui, Xvfb and ImageMagick)
set -euo pipefail
pkgs=(build-essential cmake ninja-build pkg-config libgtest-dev libbenchmark-dev
      libboost-graph-dev libeigen3-dev libhdf5-dev hdf5-tools libyaml-cpp-dev libtbb-dev
      libcli11-dev nlohmann-json3-dev libdeflate-dev clang-14 libclang-rt-14-dev libopenmpi-dev
      openmpi-bin
      python3-h5py python3-pandas python3-matplotlib)
if [[ "${1:-}" == "--gui" || "${LABTWIN_GUI:-0}" == 1 ]]; then
  pkgs+=(libsdl2-dev libimgui-dev libstb-dev xvfb xauth imagemagick)
fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo=""; [[ $(id -u) -ne 0 ]] && sudo="sudo"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
