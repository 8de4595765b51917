#!/usr/bin/env bash
# What --resume trusts in a journal (sim/runner/journal.hpp, docs/results-format.md "Streaming and
# resume"): journals written by hand (tests/cli/make_journal.py, checksums right) with a block
# twice, a NaN or an infinity where the metric is finite, a block of another run, a 16-byte
# journal whose header claims 4 GB, a FIFO, a folder or a link in the journal's place, a user's
# file in the partial file's place. Each is refused at once with exit 2 and one line, and every
# file is left byte for byte as it was.
set -uo pipefail
crisp=$1 src=$2
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
cd "$dir" || exit 1
cp "$src/tests/cases/cli/small.toml" x.toml
fails=0
fail() { echo "FAIL $1"; fails=$((fails + 1)); }
# small.toml with -r 64: seed 7, 2 blocks of 32, 3 policy sets, (1 material + all) x 1 region x 14
# metric slots, not sharded.
journal() { python3 "$src/tests/cli/make_journal.py" a.h5.journal x.toml 7 64 32 3 28 1 1 "$@"; }
# case | words the one line must contain: --resume refuses, the journal is unchanged, no output.
refused() {
  local name=$1
  shift
  local regular=0
  [ -f a.h5.journal ] && [ ! -L a.h5.journal ] && regular=1 && cp a.h5.journal before.journal
  timeout 60 /usr/bin/time -f "%M" -o rss "$crisp" run x.toml -r 64 -o a.h5 --resume --quiet \
    > /dev/null 2> err
  local code=$?
  [ $code -eq 2 ] || fail "$name: exit $code, expected 2 ($(cat err))"
  [ "$(grep -c . err)" -eq 1 ] || fail "$name: stderr is not one line: $(cat err)"
  grep -q "^crisp: error: " err || fail "$name: no 'crisp: error: ': $(cat err)"
  for w in "$@"; do grep -qF -- "$w" err || fail "$name: does not say '$w': $(cat err)"; done
  [ $regular -eq 0 ] || cmp -s a.h5.journal before.journal || fail "$name: the journal changed"
  [ ! -e a.h5 ] && [ ! -e a.h5.partial ] || fail "$name: an output or partial file appeared"
}

# The hand-made journal is what crisp writes: one good block resumes (and the run finishes).
journal 0
"$crisp" run x.toml -r 64 -o a.h5 --resume > /dev/null 2> good.err ||
  fail "a good hand-made journal was refused: $(cat good.err)"
grep -q "resuming a.h5: 1 finished blocks" good.err || fail "good journal: $(cat good.err)"
[ -e a.h5 ] && [ ! -e a.h5.journal ] || fail "good journal: not finished"
rm -f a.h5

# The partial file --resume finds beside the journal: an empty one (what a killed run leaves) is
# removed and the run goes on; anything else that is not this run's results is the user's.
journal 0
: > a.h5.partial
"$crisp" run x.toml -r 64 -o a.h5 --resume --quiet > /dev/null 2> err &&
  [ -e a.h5 ] && [ ! -e a.h5.partial ] || fail "an empty partial file: $(cat err)"
rm -f a.h5
journal 0
cp x.toml a.h5.partial
cp a.h5.journal before.journal
"$crisp" run x.toml -r 64 -o a.h5 --resume --quiet > /dev/null 2> err
code=$?
want="crisp: error: --resume: 'a.h5.partial' is not a partial results file of this run; it is"
[ $code -eq 2 ] && [ "$(grep -c . err)" -eq 1 ] && grep -qF "$want left as it is: move it away" err ||
  fail "a user's partial file: exit $code, $(cat err)"
cmp -s a.h5.partial x.toml && cmp -s a.h5.journal before.journal && [ ! -e a.h5 ] ||
  fail "a user's partial file: a file changed, or an output appeared"
rm -f a.h5.partial

journal 0 0
refused "a block twice" "'a.h5.journal' is damaged: record 2 holds block 0 a second time"
journal 0:nan
refused "NaN" "record 1 holds nan in block 0 (value 0 of slot 0), which must be finite"
journal 1 0:inf
refused "infinity" "record 2 holds inf in block 0"
journal 2
refused "a block of another run" "record 1 holds block 2, which is not one of this run's"

# 16 bytes: the magic and a header size of 4 GB. Refused before anything of that size is
# allocated: the whole process stays under 200 MB.
printf 'CRISPJ02\360\377\377\377\000\000\000\000' > a.h5.journal
refused "16-byte journal" "'a.h5.journal' belongs to another run"
[ "$(tail -n 1 rss)" -lt 200000 ] || fail "16-byte journal: $(tail -n 1 rss) KiB resident"

# Not a regular file: never opened to read (a FIFO would wait for a writer for ever), with or
# without --resume.
rm -f a.h5.journal
mkfifo a.h5.journal
refused "FIFO, --resume" "'a.h5.journal' is not a regular file, not a crisp journal"
timeout 60 "$crisp" run x.toml -r 64 -o a.h5 --quiet > /dev/null 2> err
code=$?
[ $code -eq 2 ] && [ "$(grep -c . err)" -eq 1 ] &&
  grep -qF "'a.h5.journal' exists and is not a regular file, not a crisp journal" err ||
  fail "FIFO without --resume: exit $code, $(cat err)"
[ -p a.h5.journal ] || fail "FIFO: it is gone"
rm -f a.h5.journal
echo "my notes" > notes.txt
ln -s notes.txt a.h5.journal
refused "symbolic link, --resume" "'a.h5.journal' is a symbolic link, not a crisp journal"
[ -L a.h5.journal ] && [ "$(cat notes.txt)" = "my notes" ] || fail "link: it or its file changed"
rm -f a.h5.journal
mkdir a.h5.journal
refused "folder, --resume" "'a.h5.journal' is a folder, not a crisp journal"
[ -d a.h5.journal ] || fail "folder: it is gone"

[ $fails -eq 0 ] && echo "ok"
exit $fails
