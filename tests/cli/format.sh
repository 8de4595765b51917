#!/usr/bin/env bash
# Every C++ file follows .clang-format (skipped where clang-format is not installed).
set -euo pipefail
src=$2
command -v clang-format >/dev/null || { echo "clang-format not installed: skipped"; exit 0; }
cd "$src"
bad=$(git ls-files '*.cpp' '*.hpp' | while read -r f; do
  clang-format --dry-run -Werror "$f" >/dev/null 2>&1 || echo "$f"; done)
[ -z "$bad" ] || { echo "not clang-formatted (run clang-format -i):"; echo "$bad"; exit 1; }
echo "ok"
