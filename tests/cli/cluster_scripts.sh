#!/usr/bin/env bash
# The cluster scripts (README.md "Running on a cluster") without Slurm: `cmake --install` puts
# crisp where PATH finds it; scripts/cluster/submit refuses at once, in one line and before any
# sbatch, when it cannot find crisp or the experiment is bad (else every array task would fail,
# rc 127); the sbatch templates, run as a task would run them, say the same in one line (exit 2)
# on a node without crisp, and with crisp they make parts that merge into one run's results.
set -uo pipefail
crisp=$1 src=$2
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
cd "$dir" || exit 1
fails=0
fail() { echo "FAIL $1"; fails=$((fails + 1)); }
cluster=$src/scripts/cluster
cp "$src/tests/cases/cli/small.toml" small.toml
printf '[experiment]\nname = "x"\nbad_key = 1\n' > bad.toml
sums=$(sha256sum small.toml bad.toml)

# 1. cmake --install into a prefix: bin/crisp runs from PATH. (The build folder is the binary's,
# build/<preset>/sim/cli/crisp.)
build=$(cd "$(dirname "$crisp")/../.." && pwd)
if cmake --install "$build" --prefix "$dir/prefix" > install.log 2>&1; then
  [ "$(PATH="$dir/prefix/bin" command -v crisp)" = "$dir/prefix/bin/crisp" ] ||
    fail "cmake --install: no crisp in PREFIX/bin"
  [ "$(PATH="$dir/prefix/bin" crisp --version)" = "$("$crisp" --version)" ] ||
    fail "cmake --install: the installed crisp is another version"
else
  fail "cmake --install failed: $(cat install.log)"
fi

# A PATH of the few tools the scripts use, and an sbatch that logs its calls instead of queueing.
mkdir bin
for tool in bash sed realpath dirname mkdir cat; do ln -s "$(command -v "$tool")" "bin/$tool"; done
cat > bin/sbatch <<'EOF'
#!/usr/bin/env bash
echo "sbatch CRISP_BIN=$CRISP_BIN $*" >> "$SBATCH_LOG"
echo 42
EOF
chmod +x bin/sbatch
export SBATCH_LOG=$dir/sbatch.log
stripped() { env -i HOME="$HOME" SBATCH_LOG="$SBATCH_LOG" PATH="$dir/bin" "$@"; }
# case | exit code | expected | stderr file | the one line
expect() {
  [ "$2" -eq "$3" ] || fail "$1: exit $2, expected $3 ($(cat "$4"))"
  [ "$(cat "$4")" = "$5" ] || fail "$1: expected '$5', got: $(cat "$4")"
}

# 2. submit: no crisp on PATH, CRISP_BIN unset or wrong, a bad experiment: nothing queued.
stripped bash "$cluster/submit" small.toml 3 out 2> submit1.err
expect "submit, no crisp" $? 2 submit1.err "submit: error: cannot find crisp on PATH: install it (cmake --install build/release, README.md \"Quick start\") or set CRISP_BIN to its path"
stripped CRISP_BIN=/no/such/crisp bash "$cluster/submit" small.toml 3 out 2> submit2.err
expect "submit, CRISP_BIN wrong" $? 2 submit2.err "submit: error: CRISP_BIN='/no/such/crisp' is not a program"
stripped CRISP_BIN="$crisp" bash "$cluster/submit" bad.toml 3 out 2> submit3.err
expect "submit, bad experiment" $? 2 submit3.err "crisp: error: $dir/bad.toml:3:1: [experiment]: unknown key 'bad_key' (known: 'name', 'horizon_years', 'replications', 'seed', 'report_regions', 'discount_rate', 'event_budget', 'block_replications')"
stripped CRISP_BIN="$crisp" bash "$cluster/submit" small.toml 0 out 2> submit4.err
expect "submit, 0 parts" $? 2 submit4.err "submit: error: PARTS: expected a whole number of parts, at least 1, got '0'"
[ ! -e sbatch.log ] || fail "submit refused, yet sbatch was called: $(cat sbatch.log)"
[ ! -e out ] || fail "submit refused, yet made the output folder"
# With crisp on PATH (a link to it): the array and the merge are queued, with crisp's real path.
ln -s "$crisp" bin/crisp
stripped bash "$cluster/submit" small.toml 3 out 64 > submit5.out 2> submit5.err ||
  fail "submit with crisp on PATH: $(cat submit5.err)"
[ "$(grep -c "^sbatch CRISP_BIN=$(realpath "$crisp") " sbatch.log)" -eq 2 ] ||
  fail "submit: not two sbatch calls with CRISP_BIN=$(realpath "$crisp"): $(cat sbatch.log)"
rm bin/crisp

# 3. The templates as a task runs them, on a node without crisp: one line, exit 2.
task() {  # template, then NAME=VALUE settings
  local template=$1
  shift
  env -i HOME="$HOME" PATH="$dir/bin" CRISP_EXPERIMENT="$dir/small.toml" CRISP_OUT="$dir/parts" \
    CRISP_OUTPUT="$dir/mpi.h5" SLURM_ARRAY_TASK_COUNT=2 HOSTNAME=node7 "$@" \
    bash "$cluster/$template.sbatch"
}
for template in array merge mpi; do
  task $template SLURM_ARRAY_TASK_ID=1 > /dev/null 2> "$template.err"
  expect "$template.sbatch, no crisp" $? 2 "$template.err" "$template.sbatch: error: cannot find crisp ('crisp') on node7: install it on PATH (cmake --install build/release, README.md \"Quick start\") or set CRISP_BIN to its path"
done

# 4. With crisp: two array tasks and the merge give one run's results.
mkdir parts
for i in 1 2; do
  task array SLURM_ARRAY_TASK_ID=$i CRISP_BIN="$crisp" CRISP_REPLICATIONS=64 > /dev/null 2> "task$i.err" ||
    fail "array task $i: $(cat "task$i.err")"
done
task merge CRISP_BIN="$crisp" > merge.out 2> merge.err || fail "merge task: $(cat merge.err)"
"$crisp" run small.toml -r 64 -o one.h5 --quiet > /dev/null || fail "one run"
for g in metrics summary paired; do
  h5diff one.h5 parts/results.h5 "/$g" > /dev/null 2>&1 || fail "array + merge: /$g differs from one run"
done

[ "$(sha256sum small.toml bad.toml)" = "$sums" ] || fail "a user file changed"
[ $fails -eq 0 ] && echo "ok: install puts crisp on PATH; submit and the templates refuse without it"
exit $((fails > 0))
