#!/usr/bin/env bash
# The bad-input suite (tests/bad_inputs/cases.tsv): every case must exit with its code within 20
# seconds, print exactly one line on stderr that starts with "crisp: error: " and contains its
# text and no control character (an input's ESC or NUL is quoted as \x1b, \x00), and leave no
# results file, .partial or .journal behind.
#
#   bash tests/cli/bad_inputs_suite.sh <crisp-binary> <repo-root> [NAME-PATTERN]
#
# cases.tsv: one case a line, tab-separated: name, exit code, text, command; '#' lines are
# comments. The command is bash, run in an empty folder with these helpers:
#   edit SED-SCRIPT      run tests/cases/cli/small.toml edited by sed (as bad.toml)
#   add TEXT             run small.toml with TEXT (printf %b: \n is a line break) appended
#   nodes_csv TEXT       run small.toml with [network] nodes_csv = "nodes.csv" holding TEXT
#   edges_csv TEXT       the same for edges_csv = "edges.csv"
#   crisp ARGS...        the binary itself; $good is small.toml's path
# The text may name bad.toml, nodes.csv, ... : messages name those files as they are given.
set -uo pipefail
crisp_bin=$(realpath "$1") src=$(realpath "$2") only=${3:-}
good="$src/tests/cases/cli/small.toml"
cases="$src/tests/bad_inputs/cases.tsv"
root=$(mktemp -d); trap 'rm -rf "$root"' EXIT
export crisp_bin good

helpers='
crisp() { "$crisp_bin" "$@"; }
runbad() { crisp run bad.toml -o out.h5 --quiet; }
edit() { sed "$1" "$good" > bad.toml && runbad; }
add() { { cat "$good"; printf "%b\n" "$1"; } > bad.toml && runbad; }
nodes_csv() { printf "%b" "$1" > nodes.csv; add "[network]\nnodes_csv = \"nodes.csv\""; }
edges_csv() { printf "%b" "$1" > edges.csv; add "[network]\nedges_csv = \"edges.csv\""; }
'

fails=0 count=0
while IFS=$'\t' read -r name code text command; do
  [[ -z $name || $name == \#* ]] && continue
  [[ -n $only && $name != *$only* ]] && continue
  count=$((count + 1))
  dir="$root/$name"; mkdir -p "$dir"
  (cd "$dir" && timeout 20 bash -c "$helpers"$'\n'"$command" >/dev/null 2> "$root/$name.err")
  got=$?
  msg=$(cat "$root/$name.err")
  problems=()
  [ "$got" -eq "$code" ] || problems+=("exit code $got, expected $code")
  [ "$(wc -l < "$root/$name.err")" -eq 1 ] || problems+=("stderr is not one line")
  [[ $msg == "crisp: error: "* ]] || problems+=("does not start with 'crisp: error: '")
  [[ $msg == *"$text"* ]] || problems+=("does not contain '$text'")
  ! LC_ALL=C grep -qaP '[\x00-\x08\x0b-\x1f\x7f]' "$root/$name.err" ||
    problems+=("stderr holds a raw control character")
  left=$(find "$dir" \( -name '*.h5' -o -name '*.partial' -o -name '*.journal' \) -print -quit)
  [ -z "$left" ] || problems+=("left $left behind")
  if [ ${#problems[@]} -gt 0 ]; then
    echo "FAIL $name: $msg"; printf '  - %s\n' "${problems[@]}"; fails=$((fails + 1))
  else
    echo "ok   $name: $msg"
  fi
done < "$cases"

echo "$((count - fails)) of $count cases passed"
[ "$count" -gt 0 ] && [ "$fails" -eq 0 ]
