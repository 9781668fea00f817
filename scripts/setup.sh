#!/usr/bin/env bash
# Sets up argus on Debian or Raspberry Pi OS: the system packages it runs with (ffmpeg for video,
# V4L2 and RTSP sources; mosquitto, the broker the tests talk to; DejaVu fonts for drawn labels)
# and the npm dependencies, then compiles the TypeScript (npm's `prepare`).
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(ffmpeg mosquitto mosquitto-clients openssl fonts-dejavu-core chromium)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup: installing ${missing[*]}" >&2
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# onnxruntime-node's install step would download CUDA libraries; the CPU binaries ship in the package.
export ONNXRUNTIME_NODE_INSTALL=skip
npm ci --no-audit --no-fund
