#!/usr/bin/env bash
# Every results file the fuzzer made crisp crash or hang on (tests/fuzz/crashes/*.h5.gz, kept
# gzipped) is answered by show, export and merge with exit 2 and one line naming it, within 20 s.
set -uo pipefail
crisp=$1 src=$2
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
cd "$dir" || exit 1
fails=0 count=0
for gz in "$src"/tests/fuzz/crashes/*.h5.gz; do
  [ -e "$gz" ] || continue
  name=$(basename "$gz" .gz)
  gunzip -c "$gz" > "$name"
  for cmd in "show $name" "show $name --csv" "export $name" "merge $name -o merged.h5"; do
    count=$((count + 1))
    # shellcheck disable=SC2086
    timeout 20 "$crisp" $cmd > /dev/null 2> err.txt
    code=$?
    if [ $code -ne 2 ] || [ "$(grep -c . err.txt)" -ne 1 ] || ! grep -q "$name" err.txt ||
      grep -q "HDF5-DIAG" err.txt || [ -e merged.h5 ]; then
      echo "FAIL $name ($cmd): exit $code, $(head -c 400 err.txt)"
      fails=$((fails + 1))
    fi
  done
done
[ $fails -eq 0 ] && echo "ok: $count commands on $(ls "$src"/tests/fuzz/crashes/*.h5.gz | wc -l) files: exit 2, one line each"
exit $((fails > 0))
