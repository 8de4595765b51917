#!/usr/bin/env bash
# Nothing of the user's is written through, replaced or deleted by a run, and every failure is
# one line with the promised exit code (sim/results/output_file.hpp, docs/results-format.md
# "Writing a file"): a partial file that is the user's (a file, a link, a folder), a file that
# appears at the output path during the run (and --resume once it is moved away), two runs on one
# output, -o naming the input, a link, a FIFO or a user's file (run, export, scripts/report,
# scripts/plot), a full disk, and signals (also once the file is in place).
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

# 4b. Following the advice of 4: --resume with the user's file still in the way refuses and
# touches nothing; once it is moved away, --resume moves the complete partial file into place
# without simulating (exit 0) and leaves no journal.
if [ -s "$dir/d.h5.partial" ] && [ -s "$dir/d.h5.journal" ]; then
  cp "$dir/d.h5.partial" "$dir/d.partial.copy"
  cp "$dir/d.h5.journal" "$dir/d.journal.copy"
  "$crisp" run -r 300 --threads 1 -o "$dir/d.h5" --resume --quiet > /dev/null 2> "$dir/d2.err"
  expect "--resume, the user's file in the way" $? 2 "$dir/d2.err" "d.h5' exists and is not a crisp"
  cmp -s "$dir/d.h5.partial" "$dir/d.partial.copy" &&
    cmp -s "$dir/d.h5.journal" "$dir/d.journal.copy" && [ "$(cat "$dir/d.h5")" = "appeared" ] ||
    fail "--resume, the user's file in the way: a file changed"
  mv "$dir/d.h5" "$dir/d.user"
  "$crisp" run -r 300 --threads 1 -o "$dir/d.h5" --resume > /dev/null 2> "$dir/d3.err" ||
    fail "--resume of a complete partial file: $(cat "$dir/d3.err")"
  grep -q "results were complete in '$dir/d.h5.partial'" "$dir/d3.err" ||
    fail "--resume of a complete partial file: $(cat "$dir/d3.err")"
  cmp -s "$dir/d.h5" "$dir/d.partial.copy" || fail "--resume of a complete partial: not that file"
  [ ! -e "$dir/d.h5.partial" ] && [ ! -e "$dir/d.h5.journal" ] ||
    fail "--resume of a complete partial: files left"
else
  fail "file appearing at the output: no partial file and journal to resume from"
fi

# 5b. The output is never an input, a link or anything but a regular file, for run and export.
"$crisp" run "$small" -o "$dir/s.h5" --quiet > /dev/null || fail "small run"
cp "$dir/s.h5" "$dir/s.copy"
"$crisp" export "$dir/s.h5" -o "$dir/s.h5" > /dev/null 2> "$dir/x1.err"
expect "export -o its input" $? 2 "$dir/x1.err" "s.h5' is one of this command's inputs"
cmp -s "$dir/s.h5" "$dir/s.copy" || fail "export -o its input: the input changed"
ln -s "$dir/mine.txt" "$dir/link.csv"
"$crisp" export "$dir/s.h5" -o "$dir/link.csv" > /dev/null 2> "$dir/x2.err"
expect "export -o a link" $? 2 "$dir/x2.err" "link.csv' is a symbolic link"
[ -L "$dir/link.csv" ] && [ "$(cat "$dir/mine.txt")" = "my notes" ] ||
  fail "export -o a link: changed"
ln -s "$dir/s.copy" "$dir/link.h5"
"$crisp" run "$small" -o "$dir/link.h5" --quiet > /dev/null 2> "$dir/x3.err"
expect "run -o a link" $? 2 "$dir/x3.err" "link.h5' is a symbolic link"
cmp -s "$dir/s.h5" "$dir/s.copy" || fail "run -o a link: its file changed"
mkfifo "$dir/fifo.csv" "$dir/fifo.h5"
timeout 60 "$crisp" export "$dir/s.h5" -o "$dir/fifo.csv" > /dev/null 2> "$dir/x4.err"
expect "export -o a FIFO" $? 2 "$dir/x4.err" "fifo.csv' is not a regular file"
timeout 60 "$crisp" run "$small" -o "$dir/fifo.h5" --quiet > /dev/null 2> "$dir/x5.err"
expect "run -o a FIFO" $? 2 "$dir/x5.err" "fifo.h5' is not a regular file"
[ -p "$dir/fifo.csv" ] && [ -p "$dir/fifo.h5" ] || fail "-o a FIFO: it is gone"
cp "$dir/mine.txt" "$dir/mine.csv"
"$crisp" export "$dir/s.h5" -o "$dir/mine.csv" > /dev/null 2> "$dir/x6.err"
expect "export -o a user's file" $? 2 "$dir/x6.err" \
  "mine.csv' exists and is not a CSV file that crisp export wrote"
cmp -s "$dir/mine.csv" "$dir/mine.txt" || fail "export -o a user's file: it changed"
# export's partial file: a user's is left as it is, a link is never written through.
cp "$dir/mine.txt" "$dir/out.csv.partial"
"$crisp" export "$dir/s.h5" -o "$dir/out.csv" > /dev/null 2> "$dir/x7.err"
expect "export, a user's .partial" $? 2 "$dir/x7.err" "out.csv.partial' exists"
cmp -s "$dir/out.csv.partial" "$dir/mine.txt" && [ ! -e "$dir/out.csv" ] ||
  fail "export, a user's .partial: it changed, or an output appeared"
ln -s "$dir/mine.txt" "$dir/lp.csv.partial"
"$crisp" export "$dir/s.h5" -o "$dir/lp.csv" > /dev/null 2> "$dir/x8.err"
expect "export, a linked .partial" $? 2 "$dir/x8.err" "lp.csv.partial' exists"
[ -L "$dir/lp.csv.partial" ] && [ "$(cat "$dir/mine.txt")" = "my notes" ] ||
  fail "export, a linked .partial: changed"
# A file export wrote is of its kind: exporting again replaces it.
"$crisp" export "$dir/s.h5" -o "$dir/e.csv" > /dev/null || fail "export"
"$crisp" export "$dir/s.h5" -o "$dir/e.csv" > /dev/null 2> "$dir/x9.err" ||
  fail "export again: $(cat "$dir/x9.err")"
[ "$(head -c 9 "$dir/e.csv")" = "id,label," ] && [ ! -e "$dir/e.csv.partial" ] ||
  fail "export again: no CSV"

# 5c. scripts/report and scripts/plot follow the same rule (scripts/crisp_results.py
# write_output), when /usr/bin/python3 has what they need.
if /usr/bin/python3 -c "import h5py, numpy, matplotlib" 2>/dev/null; then
  export CRISP_BIN=$crisp
  "$src/scripts/report" "$dir/s.h5" -o "$dir/s.h5" > /dev/null 2> "$dir/y1.err"
  code=$?
  [ $code -eq 2 ] && grep -qxF "report: output '$dir/s.h5' is one of this command's inputs; choose another name with -o or move it away" "$dir/y1.err" ||
    fail "report -o its input: exit $code, $(cat "$dir/y1.err")"
  cmp -s "$dir/s.h5" "$dir/s.copy" || fail "report -o its input: the input changed"
  "$src/scripts/report" "$dir/s.h5" -o "$dir/mine.csv" > /dev/null 2> "$dir/y2.err"
  code=$?
  [ $code -eq 2 ] && [ "$(grep -c . "$dir/y2.err")" -eq 1 ] &&
    grep -q "mine.csv' exists and is not a page that scripts/report wrote" "$dir/y2.err" ||
    fail "report -o a user's file: exit $code, $(cat "$dir/y2.err")"
  cmp -s "$dir/mine.csv" "$dir/mine.txt" || fail "report -o a user's file: it changed"
  # Their own files are replaced (each marks what it writes: the page's first bytes, the PNG's
  # Software text); files made here with those marks stand in for earlier outputs.
  printf '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>crisp report: old' \
    > "$dir/r.html"
  "$src/scripts/report" "$dir/s.h5" -o "$dir/r.html" > /dev/null 2> "$dir/y4.err" &&
    grep -q "NL" "$dir/r.html" || fail "report over its own page: $(cat "$dir/y4.err")"
  mkdir "$dir/plots"
  cp "$dir/mine.txt" "$dir/plots/NL_all_frontier.png"
  "$src/scripts/plot" "$dir/s.h5" -o "$dir/plots" > /dev/null 2> "$dir/y3.err"
  code=$?
  [ $code -eq 2 ] && [ "$(grep -c . "$dir/y3.err")" -eq 1 ] &&
    grep -q "NL_all_frontier.png' exists and is not a PNG that scripts/plot wrote" "$dir/y3.err" ||
    fail "plot over a user's file: exit $code, $(cat "$dir/y3.err")"
  cmp -s "$dir/plots/NL_all_frontier.png" "$dir/mine.txt" || fail "plot over a user's file: changed"
  rm "$dir/plots/NL_all_frontier.png"
  printf '\211PNG\r\n\032\n tEXt Software crisp scripts/plot' > "$dir/plots/NL_all_unmet.png"
  "$src/scripts/plot" "$dir/s.h5" -o "$dir/plots" > /dev/null 2> "$dir/y5.err" &&
    [ "$(stat -c %s "$dir/plots/NL_all_unmet.png")" -gt 1000 ] ||
    fail "plot over its own PNGs: $(cat "$dir/y5.err")"
else
  echo "scripts: skipped (python3 lacks h5py, numpy or matplotlib)"
fi

# 6b. SIGTERM while the closing tables print (stdout a 4 KiB pipe nobody reads: the run waits in
# the tables once its file is in place): exit 143, and the line says the results are complete
# (not that blocks are kept in a journal, which is gone).
python3 - "$crisp" "$dir/tt.h5" <<'EOF' || fail "SIGTERM during the tables"
import fcntl, os, signal, subprocess, sys, time
crisp, out = sys.argv[1:]
r, w = os.pipe()
fcntl.fcntl(w, 1031, 4096)  # F_SETPIPE_SZ: the tables (about 10 KB) do not fit
with open(out + ".err", "w") as err:
    p = subprocess.Popen([crisp, "run", "-r", "64", "-o", out], stdout=w, stderr=err)
os.close(w)
for _ in range(3000):
    if os.path.exists(out) and not os.path.exists(out + ".journal"):
        break
    time.sleep(0.02)
time.sleep(0.2)
p.send_signal(signal.SIGTERM)
code = p.wait()
line = open(out + ".err").read()
want = f"crisp: error: interrupted by SIGTERM; the results were written in full to '{out}' before it\n"
print("" if code == 143 and line == want else f"exit {code}, {line!r}", end="")
sys.exit(0 if code == 143 and line == want else 1)
EOF
"$crisp" check "$dir/tt.h5" > /dev/null 2>&1 && [ ! -e "$dir/tt.h5.journal" ] ||
  fail "SIGTERM during the tables: the results are not whole, or a journal is left"

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
