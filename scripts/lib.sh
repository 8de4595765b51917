# Shared by scripts/run and scripts/test: install what is missing, then build.
# Sourced, not run. Debian 12; installing needs root (or sudo).

CRISP_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Debian packages crisp builds, tests and plots with.
CRISP_PACKAGES=(cmake ninja-build g++ pkg-config git clang-format
  libboost-dev libboost-graph-dev libboost-random-dev
  libtbb-dev libhdf5-dev libxxhash-dev libnlopt-cxx-dev hdf5-tools libtomlplusplus-dev libcli11-dev libfmt-dev catch2
  libopenmpi-dev openmpi-bin
  python3-h5py python3-numpy python3-matplotlib python3-pandas chromium)

crisp_install_deps() {
  local missing=()
  for p in "${CRISP_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "crisp: installing ${missing[*]}" >&2
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# crisp_build PRESET [TARGET...]: configure once, then build (everything, or the targets) with
# every core.
crisp_build() {
  local preset=$1
  shift
  cd "$CRISP_ROOT"
  [ -f "build/$preset/CMakeCache.txt" ] || cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j "$(nproc)" ${1:+--target "$@"}
}
