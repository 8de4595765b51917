#!/usr/bin/env bash
# crisp merge's output and its limits (sim/runner/merge_parts.hpp, sim/results/output_file.hpp):
# -o naming one of the parts (by name, or a hard link to it), a link, a FIFO, a user's file or a
# user's .partial is refused with exit 2 and one line, every file byte for byte unchanged; parts
# are opened one at a time (30 parts merge under `ulimit -n 20`) and memory does not grow with
# their number; SIGTERM while the closing tables print says the results are complete.
# (Damaged and inconsistent parts: tests/unit/test_merge_parts.cpp; doubled, missing and foreign
# parts: shards.sh.)
set -uo pipefail
crisp=$1 src=$2
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
cd "$dir" || exit 1
fails=0
fail() { echo "FAIL $1"; fails=$((fails + 1)); }
# case | exit code | words the one line must contain
expect() {
  local name=$1 code=$2
  shift 2
  [ "$code" -eq 2 ] || fail "$name: exit $code, expected 2 ($(cat err))"
  [ "$(grep -c . err)" -eq 1 ] || fail "$name: stderr is not one line: $(cat err)"
  grep -q "^crisp: error: merge: " err || fail "$name: no 'crisp: error: merge: ': $(cat err)"
  for w in "$@"; do grep -qF -- "$w" err || fail "$name: does not say '$w': $(cat err)"; done
}
unchanged() {  # case: the parts and the user's files are as they were, no partial file is left
  for f in p1.h5 p2.h5 mine.txt; do cmp -s "$f" "keep/$f" || fail "$1: $f changed"; done
  [ -z "$(ls ./*.partial 2>/dev/null | grep -v mine.h5.partial)" ] || fail "$1: a partial left"
}

x="$src/tests/cases/cli/small.toml"
for i in 1 2; do
  "$crisp" run "$x" -r 64 --shard "$i/2" -o "p$i.h5" --quiet > /dev/null || fail "part $i"
done
echo "my notes" > mine.txt
mkdir keep && cp p1.h5 p2.h5 mine.txt keep/

"$crisp" merge -o p1.h5 p1.h5 p2.h5 --quiet > /dev/null 2> err
expect "-o is a part" $? "output 'p1.h5' is one of this command's inputs"
unchanged "-o is a part"
ln p2.h5 hard.h5
"$crisp" merge -o hard.h5 p1.h5 p2.h5 --quiet > /dev/null 2> err
expect "-o is a hard link to a part" $? "output 'hard.h5' is one of this command's inputs"
unchanged "-o is a hard link to a part"
rm hard.h5
ln -s mine.txt link.h5
"$crisp" merge -o link.h5 p1.h5 p2.h5 --quiet > /dev/null 2> err
expect "-o is a link" $? "output 'link.h5' is a symbolic link"
[ -L link.h5 ] || fail "-o is a link: the link is gone"
unchanged "-o is a link"
mkfifo fifo.h5
timeout 60 "$crisp" merge -o fifo.h5 p1.h5 p2.h5 --quiet > /dev/null 2> err
expect "-o is a FIFO" $? "output 'fifo.h5' is not a regular file"
[ -p fifo.h5 ] || fail "-o is a FIFO: it is gone"
cp mine.txt theirs.h5
"$crisp" merge -o theirs.h5 p1.h5 p2.h5 --quiet > /dev/null 2> err
expect "-o is a user's file" $? "output 'theirs.h5' exists and is not a crisp results file"
cmp -s theirs.h5 mine.txt || fail "-o is a user's file: it changed"
cp mine.txt mine.h5.partial
"$crisp" merge -o mine.h5 p1.h5 p2.h5 --quiet > /dev/null 2> err
expect "a user's .partial" $? "'mine.h5.partial' exists" "it is left as it is"
cmp -s mine.h5.partial mine.txt || fail "a user's .partial: it changed"
[ ! -e mine.h5 ] || fail "a user's .partial: an output appeared"
unchanged "refusals"
# A merged file is of merge's kind: merging again replaces it.
"$crisp" merge -o m.h5 p1.h5 p2.h5 --quiet > /dev/null || fail "merge"
"$crisp" merge -o m.h5 p2.h5 p1.h5 --quiet > /dev/null 2> err || fail "merge again: $(cat err)"

# Parts opened one at a time, memory not growing with their number: blocks of one replication,
# 10 and 30 parts (the latter under a limit of 20 open files, which merging with every part
# open could not meet); the 30 merged equal one run.
sed 's/^replications = 40/replications = 40\nblock_replications = 1/' "$x" > tiny.toml
for n in 10 30; do
  mkdir "n$n"
  for i in $(seq "$n"); do
    "$crisp" run tiny.toml -r "$n" --shard "$i/$n" -o "n$n/p$i.h5" --quiet > /dev/null ||
      fail "$n parts: part $i"
  done
done
"$crisp" run tiny.toml -r 30 -o single30.h5 --quiet > /dev/null || fail "30: single run"
# crisp's memory, not AddressSanitizer's: its quarantine keeps freed memory (256 MB by default),
# so that under the sanitizer build resident memory grows with everything merge ever freed.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0
/usr/bin/time -f "%M" -o rss10 "$crisp" merge n10/p*.h5 -o m10.h5 --quiet > /dev/null ||
  fail "10 parts: merge"
(ulimit -n 20 && /usr/bin/time -f "%M" -o rss30 "$crisp" merge n30/p*.h5 -o m30.h5 --quiet \
  > /dev/null 2> err30) || fail "30 parts under ulimit -n 20: $(cat err30)"
for g in metrics summary paired; do
  h5diff single30.h5 m30.h5 "/$g" > /dev/null 2>&1 || fail "30 parts: /$g differs from one run"
done
grow=$(($(tail -n 1 rss30) - $(tail -n 1 rss10)))
[ $grow -lt 5000 ] || fail "20 more parts took $grow KiB more memory"

# SIGTERM while the closing tables print (stdout a pipe of 4 KiB that nobody reads, so merge
# waits in the tables once the file is in place): exit 143, a line that says the results are
# complete, and they are.
"$crisp" run -r 64 --shard 1/2 -o d1.h5 --quiet > /dev/null || fail "default part 1"
"$crisp" run -r 64 --shard 2/2 -o d2.h5 --quiet > /dev/null || fail "default part 2"
python3 - "$crisp" <<'EOF' || fail "SIGTERM during the tables"
import fcntl, os, signal, subprocess, sys, time
r, w = os.pipe()
fcntl.fcntl(w, 1031, 4096)  # F_SETPIPE_SZ: the tables (about 10 KB) do not fit
with open("term.err", "w") as err:
    p = subprocess.Popen([sys.argv[1], "merge", "d1.h5", "d2.h5", "-o", "dm.h5"], stdout=w,
                         stderr=err)
os.close(w)
for _ in range(3000):
    if os.path.exists("dm.h5"):
        break
    time.sleep(0.02)
time.sleep(0.2)
p.send_signal(signal.SIGTERM)
code = p.wait()
line = open("term.err").read()
ok = code == 143 and line == ("crisp: error: interrupted by SIGTERM; the results were written "
                              "in full to 'dm.h5' before it\n")
print("" if ok else f"exit {code}, {line!r}", end="")
sys.exit(0 if ok else 1)
EOF
"$crisp" check dm.h5 > /dev/null 2>&1 || fail "SIGTERM during the tables: dm.h5 is not whole"

[ $fails -eq 0 ] && echo "ok (memory: 10 parts $(tail -n 1 rss10) KiB, 30 parts $(tail -n 1 rss30) KiB)"
exit $fails
