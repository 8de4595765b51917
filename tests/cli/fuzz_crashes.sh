#!/usr/bin/env bash
# Every results file on which HDF5 crashed or hung when crisp handed it over (tests/fuzz/crashes/
# *.h5.gz, kept gzipped; the part files are part 1/2 of small.toml at -r 4) is answered within 20 s
# by show, export, check and merge (with a good part 2/2) with exit 2 and one line naming it (it
# has no seal), and merge leaves no merged file. With --unverified (read first in a sandboxed
# child) each ends within its time limit with exit 2 and one line naming it, or exit 0 where HDF5
# reads the bytes without harm: never a crash of crisp itself, never HDF5's own messages.
set -uo pipefail
crisp=$1 src=$2
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
cd "$dir" || exit 1
"$crisp" run "$src/tests/cases/cli/small.toml" -r 4 --shard 2/2 -o part2.h5 --quiet > /dev/null ||
  { echo "FAIL: run --shard 2/2"; exit 1; }
fails=0 count=0
for gz in "$src"/tests/fuzz/crashes/*.h5.gz; do
  [ -e "$gz" ] || continue
  name=$(basename "$gz" .gz)
  gunzip -c "$gz" > "$name"
  for cmd in "show $name" "show $name --csv" "export $name" "check $name" \
    "merge $name part2.h5 -o merged.h5"; do
    count=$((count + 1))
    # shellcheck disable=SC2086
    timeout 20 "$crisp" $cmd > /dev/null 2> err.txt
    code=$?
    ok=$([[ $code -eq 2 ]] && grep -qF "$name" err.txt && echo yes)
    if [ -z "$ok" ] || [ "$(grep -c . err.txt)" -ne 1 ] || grep -q "HDF5-DIAG" err.txt ||
      [ -e merged.h5 ]; then
      echo "FAIL $name ($cmd): exit $code, $(head -c 400 err.txt)"
      fails=$((fails + 1))
    fi
  done
  for cmd in "check $name --unverified" "merge $name part2.h5 -o merged.h5 --unverified"; do
    count=$((count + 1))
    # shellcheck disable=SC2086
    timeout 150 "$crisp" $cmd > /dev/null 2> err.txt
    code=$?
    ok=$({ [[ $code -eq 2 ]] && grep -qF "$name" err.txt && [ "$(grep -c . err.txt)" -eq 1 ]; } ||
      [[ $code -eq 0 ]] && echo yes)
    if [ -z "$ok" ] || grep -q "HDF5-DIAG" err.txt; then
      echo "FAIL $name ($cmd): exit $code, $(head -c 400 err.txt)"
      fails=$((fails + 1))
    fi
    rm -f merged.h5
  done
done
[ $fails -eq 0 ] && echo "ok: $count commands on $(ls "$src"/tests/fuzz/crashes/*.h5.gz | wc -l) files: one line each"
exit $((fails > 0))
