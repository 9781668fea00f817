#!/usr/bin/env bash
# Sets up argus on Debian or Raspberry Pi OS: the system packages it runs with (ffmpeg for video,
# V4L2 and RTSP sources; mosquitto, the broker the tests talk to; DejaVu fonts for drawn labels;
# chromium, the headless browser the web page's tests drive through playwright-core)
# and the npm dependencies, then compiles the TypeScript (npm's `prepare`).
set -euo pipefail
cd "$(dirname "$0")/.."

# The deploy tests: sshd in a network namespace (openssh-server, iproute2), ssh and rsync for the
# deploy itself, and arm64 Node.js under qemu-user with Debian's arm64 C/C++ runtime.
packages=(ffmpeg mosquitto mosquitto-clients openssl fonts-dejavu-core chromium
  openssh-server openssh-client rsync iproute2 qemu-user-static libc6:arm64 libstdc++6:arm64)
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
# libc6:arm64 and libstdc++6:arm64 need the arm64 architecture (added once; apt-get update below).
if [ "$(dpkg --print-architecture)" != arm64 ] && ! dpkg --print-foreign-architectures | grep -qx arm64; then
  $sudo dpkg --add-architecture arm64
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# onnxruntime-node's install step would download CUDA libraries; the CPU binaries ship in the package.
export ONNXRUNTIME_NODE_INSTALL=skip
npm ci --no-audit --no-fund
