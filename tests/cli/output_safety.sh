#!/usr/bin/env bash
# Nothing of the user's is written through, replaced or deleted by a run, and every failure is
# one line with the promised exit code (sim/results/output_file.hpp, docs/results-format.md
# "Writing the file"): a partial file that is the user's (a file, a link, a folder), a file that
# appears at the output path during the run, two runs on one output, a full disk, and signals.
set -uo pipefail
crisp=$1 src=$2
dir=$(mktemp -d)
cleanup() { mountpoint -q "$dir/full" 2>/dev/null && umount "$dir/full"; rm -rf "$dir"; }
trap cleanup EXIT
small="$src/tests/cases/cli/small.toml"
fails=0
fail() { echo "FAIL $1"; fails=$((fails + 1)); }
# case | exit code | stderr file | a word the one line must contain
expect() {
  local name=$1 code=$2 want=$3 err=$4 word=$5
  [ "$code" -eq "$want" ] || fail "$name: exit $code, expected $want ($(cat "$err"))"
  [ "$(grep -c . "$err")" -eq 1 ] || fail "$name: stderr is not one line: $(cat "$err")"
  grep -q "^crisp: error: .*$word" "$err" || fail "$name: no 'crisp: error: ...$word': $(cat "$err")"
}

# 1-3. The partial file's name is taken by something of the user's: the run stops at once.
echo "my notes" > "$dir/mine.txt"
echo "keep me" > "$dir/a.h5.partial"
"$crisp" run "$small" -o "$dir/a.h5" --quiet > /dev/null 2> "$dir/a.err"
expect "existing partial" $? 2 "$dir/a.err" "a.h5.partial' exists"
[ "$(cat "$dir/a.h5.partial")" = "keep me" ] || fail "existing partial: the user's file changed"
[ ! -e "$dir/a.h5" ] || fail "existing partial: an output appeared"
ln -s "$dir/mine.txt" "$dir/b.h5.partial"
"$crisp" run "$small" -o "$dir/b.h5" --quiet > /dev/null 2> "$dir/b.err"
expect "symlinked partial" $? 2 "$dir/b.err" "b.h5.partial' exists"
[ -L "$dir/b.h5.partial" ] && [ "$(cat "$dir/mine.txt")" = "my notes" ] ||
  fail "symlinked partial: the link or its target changed"
[ ! -e "$dir/b.h5" ] || fail "symlinked partial: an output appeared"
mkdir "$dir/c.h5.partial"
"$crisp" run "$small" -o "$dir/c.h5" --quiet > /dev/null 2> "$dir/c.err"
expect "folder partial" $? 2 "$dir/c.err" "c.h5.partial' exists"
[ -d "$dir/c.h5.partial" ] || fail "folder partial: the folder is gone"

# 4. A file of the user's appears at the output path while the run works: it stays, the results
# stay in the partial file, and the message says where.
"$crisp" run -r 300 --threads 1 -o "$dir/d.h5" --quiet > /dev/null 2> "$dir/d.err" &
pid=$!
for _ in $(seq 100); do [ -e "$dir/d.h5.partial" ] && break; sleep 0.05; done
echo "appeared" > "$dir/d.h5"
wait $pid
expect "file appearing at the output" $? 1 "$dir/d.err" "d.h5.partial"
[ "$(cat "$dir/d.h5")" = "appeared" ] || fail "file appearing at the output: it was replaced"
[ -s "$dir/d.h5.partial" ] || fail "file appearing at the output: the results were not kept"

# 5. Two runs on one output: the second stops at once and touches nothing; the first finishes.
"$crisp" run -r 300 --threads 1 -o "$dir/e.h5" --quiet > /dev/null 2> "$dir/e1.err" &
pid=$!
for _ in $(seq 100); do [ -e "$dir/e.h5.partial" ] && break; sleep 0.05; done
"$crisp" run "$small" -o "$dir/e.h5" --quiet > /dev/null 2> "$dir/e2.err"
expect "second run on one output" $? 2 "$dir/e2.err" "another crisp run is writing"
wait $pid || fail "first run on one output: exit $? ($(cat "$dir/e1.err"))"
"$crisp" show "$dir/e.h5" > /dev/null 2>&1 || fail "first run on one output: no readable file"
[ ! -e "$dir/e.h5.partial" ] || fail "first run on one output: partial file left"

# 6. Signals: SIGTERM and SIGINT stop the run, remove its partial file, 143 / 130.
for sig in TERM INT; do
  "$crisp" run -r 300 --threads 1 -o "$dir/$sig.h5" --quiet > /dev/null 2> "$dir/$sig.err" &
  pid=$!
  for _ in $(seq 100); do [ -e "$dir/$sig.h5.partial" ] && break; sleep 0.05; done
  sleep 0.3
  kill -s "$sig" $pid
  wait $pid
  code=$?
  want=143
  [ "$sig" = INT ] && want=130
  expect "SIG$sig" $code $want "$dir/$sig.err" "interrupted by SIG$sig"
  [ ! -e "$dir/$sig.h5" ] && [ ! -e "$dir/$sig.h5.partial" ] || fail "SIG$sig: a file was left"
done

# 7. A full disk (a small tmpfs; needs root): one line, exit 1, no results file left. Blocks
# finished before the disk filled stay in the journal for --resume, and the line says so.
mkdir "$dir/full"
if [ "$(id -u)" -eq 0 ] && mount -t tmpfs -o size=200k tmpfs "$dir/full" 2>/dev/null; then
  dd if=/dev/zero of="$dir/full/fill" bs=1k count=168 2>/dev/null
  "$crisp" run "$small" -r 400 -o "$dir/full/f.h5" --quiet > /dev/null 2> "$dir/f.err"
  expect "nearly full disk" $? 1 "$dir/f.err" "No space left on device"
  # What was finished stays in the journal, and the message says so.
  if [ -e "$dir/full/f.h5.journal" ]; then
    grep -q -- "--resume" "$dir/f.err" || fail "nearly full disk: a journal kept, not said"
    rm -f "$dir/full/f.h5.journal"
  fi
  dd if=/dev/zero of="$dir/full/fill2" bs=1k count=500 2>/dev/null
  "$crisp" run "$small" -r 400 -o "$dir/full/g.h5" --quiet > /dev/null 2> "$dir/g.err"
  expect "full disk" $? 1 "$dir/g.err" "No space left on device"
  ls "$dir/full" | grep -q 'h5' && fail "full disk: files left: $(ls "$dir/full")"
else
  echo "full disk: skipped (needs root to mount a tmpfs)"
fi

[ $fails -eq 0 ] && echo "ok"
exit $fails
