#!/usr/bin/env bash
# Every C++ file follows .clang-format. Without clang-format the test fails: a check that cannot
# run must not pass (scripts/lib.sh lists clang-format among the packages scripts/test installs).
set -euo pipefail
src=$2
if ! command -v clang-format >/dev/null; then
  echo "clang-format not installed: cannot check the formatting (scripts/test installs it," \
    "or: apt-get install clang-format)" >&2
  exit 1
fi
cd "$src"
bad=$(git ls-files '*.cpp' '*.hpp' | while read -r f; do
  clang-format --dry-run -Werror "$f" >/dev/null 2>&1 || echo "$f"; done)
[ -z "$bad" ] || { echo "not clang-formatted (run clang-format -i):"; echo "$bad"; exit 1; }
echo "ok"
