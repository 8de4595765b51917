#!/usr/bin/env bash
# Bad experiment files exit with code 2 and one line on stderr naming the file and line, and
# leave no results file (nor a partial one) behind. Each case edits one line of a valid file.
set -uo pipefail
crisp=$1 src=$2
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
good="$src/tests/cases/cli/small.toml"
fails=0

# case name | sed edit | expected "file:line:" | a word the message must contain
check() {
  local name=$1 edit=$2 line=$3 word=$4
  local bad="$dir/$name.toml"
  sed "$edit" "$good" > "$bad"
  (cd "$dir" && "$crisp" run "$bad" -o "$dir/$name.h5" --quiet >/dev/null 2> "$dir/$name.err")
  local code=$?
  local msg; msg=$(cat "$dir/$name.err")
  local problems=()
  [ $code -eq 2 ] || problems+=("exit code $code, expected 2")
  [ "$(wc -l < "$dir/$name.err")" -eq 1 ] || problems+=("stderr is not one line")
  [[ $msg == "crisp: error: $bad:$line:"* ]] || problems+=("does not start with 'crisp: error: $bad:$line:'")
  [[ $msg == *"$word"* ]] || problems+=("does not mention '$word'")
  [ ! -e "$dir/$name.h5" ] && [ ! -e "$dir/$name.h5.partial" ] || problems+=("left a results file")
  if [ ${#problems[@]} -gt 0 ]; then
    echo "FAIL $name: $msg"; printf '  - %s\n' "${problems[@]}"; fails=$((fails + 1))
  else
    echo "ok   $name: $msg"
  fi
}

check missing-field   '28d'                                   23 capacity_tpy
check wrong-type      's/^demand_tpy = 10$/demand_tpy = "ten"/' 35 demand_tpy
check share-above-one '49s/share = 0.8/share = 1.4/'          49 1.4
check unknown-node    '48s/nl-users/nl-user/'                 48 nl-user
check unknown-key     '36s/buffer_days/bufer_days/'           36 "did you mean"
check edge-kinds      '54s/jp-mine/cn-users/'                 53 consumer
check syntax          '35s/= 10/= = 10/'                      35 ""
check quota-mode      '69s/$/\nmode = "quotas"/'            70 "did you mean 'quota'"
check control-chars   '18s/kind = "mine"/kind = "mi\\nne"/'   18 'mi\nne'
check event-budget-0  '6s/$/\nevent_budget = 0/'          7  event_budget
check event-budget-big '6s/$/\nevent_budget = 2000000/'   7  "[1, 1000000]"
check block-0         '6s/$/\nblock_replications = 0/'     7  block_replications
check block-big       '6s/$/\nblock_replications = 100001/' 7  "[1, 100000]"
check block-float     '6s/$/\nblock_replications = 2.5/'   7  block_replications

exit $fails
