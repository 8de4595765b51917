#!/usr/bin/env bash
# The documentation is self-contained (docs/model.md, docs/sources.csv, docs/crm_facts.csv):
#  (a) no tracked file points at the design or data folder that lived outside the repository
#      (the sibling folder "shared" next to the checkout);
#  (b) every repository path that README.md, docs/*.md or experiments/README.md names in
#      backticks (`docs/model.md`, `scripts/run --threads 2`) or as a Markdown link target
#      ([x](docs/results-format.md), [y](model.md#metrics) from docs/) exists.
# Backtick paths are read from the repository root and count only when they start with a
# top-level folder of the repository (sim/ models/ policies/ experiments/ tests/ scripts/ docs/
# bench/ .ci/) or are a top-level file (README.md, CMakeLists.txt, CMakePresets.json). Link
# targets are read from the linking file's folder, as Markdown does. URLs, anchors, globs ('*'),
# templates (<material>, {a,b}, $VAR), paths under build/ and missing paths with a placeholder
# in capitals (OUT/part-I.h5, docs/NAME.md) are not paths to check.
# Usage: docs_links.sh CRISP REPO_ROOT (the binary is not used).
set -uo pipefail
root=${2:?usage: docs_links.sh CRISP REPO_ROOT}
cd "$root" || { echo "FAIL: cannot enter $root"; exit 1; }
root_abs=$(pwd -P)
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# ---- (a) no file mentions the outside folder. The pattern is written so that this script does
# not match itself.
outside='\.\./shared|shared[/](design|data)'
if git rev-parse --is-inside-work-tree > /dev/null 2>&1; then
  list_files() { git ls-files -z; }
else
  # A source tree without git: every file but build outputs.
  list_files() { find . -path ./build -prune -o -path ./.git -prune -o -type f -print0; }
fi
nfiles=$(list_files | tr -cd '\0' | wc -c)
while IFS= read -r hit; do
  [ -n "$hit" ] && fail "${hit%%:*}: mentions the folder outside the repository: ${hit#*:}"
done < <(list_files | xargs -0 -r grep -nsIE -- "$outside")

# ---- (b) referenced paths exist.
inside() {  # is $1 (a path from the root) inside the repository?
  local abs
  abs=$(realpath -m -- "$1")
  [[ $abs == "$root_abs" || $abs == "$root_abs"/* ]]
}
placeholder() {  # does $1 hold a piece in capitals (OUT, NAME, part-I)?
  local piece
  for piece in $(tr '/._-' '    ' <<< "$1"); do
    [[ $piece =~ ^[A-Z][A-Z0-9]*$ ]] && return 0
  done
  return 1
}
template() {  # a glob, URL or template rather than a path
  [[ $1 == *'*'* || $1 == *'?'* || $1 == *'<'* || $1 == *'>'* || $1 == *'{'* || $1 == *'}'* ||
     $1 == *'$'* || $1 == *'...'* || $1 == *://* || $1 == mailto:* ]]
}
nchecked=0
check() {  # check DOC WHAT PATH: PATH (from the root) must exist inside the repository
  local doc=$1 what=$2 path=$3
  nchecked=$((nchecked + 1))
  if ! inside "$path"; then
    fail "$doc: $what points outside the repository"
  elif [ ! -e "$path" ] && ! placeholder "$path"; then
    fail "$doc: $what does not exist"
  fi
}
check_code() {  # a word of a backtick span
  local doc=$1 tok=$2
  tok=${tok##*=}                                   # --out=docs/x, KEY=path
  while [[ $tok == [\(\"\'\[]* ]]; do tok=${tok:1}; done
  while [[ $tok == *[\)\"\'\],.\;:] ]]; do tok=${tok%?}; done
  [[ $tok =~ ^(.*):[0-9]+(-[0-9]+)?$ ]] && tok=${BASH_REMATCH[1]}  # path:line
  tok=${tok%%#*}
  [ -n "$tok" ] || return 0
  template "$tok" && return 0
  case $tok in
    README.md | CMakeLists.txt | CMakePresets.json) ;;
    sim/* | models/* | policies/* | experiments/* | tests/* | scripts/* | docs/* | bench/* | .ci/*) ;;
    *) return 0 ;;
  esac
  check "$doc" "\`$tok\`" "$tok"
}
check_link() {  # a Markdown link target, relative to the linking file's folder
  local doc=$1 target=$2 path
  target=${target%% *}                             # drop a "title"
  target=${target#<}; target=${target%>}
  [ -n "$target" ] || return 0
  [[ $target == \#* ]] && return 0                 # an anchor on the same page
  template "$target" && return 0
  [[ $target =~ ^[a-zA-Z][a-zA-Z0-9+.-]*: ]] && return 0  # any other scheme
  target=${target%%#*}; target=${target%%\?*}
  if [[ $target == /* ]]; then path=${target#/}; else path=$(dirname "$doc")/$target; fi
  path=${path#./}
  [[ $path == build/* ]] && return 0
  local what="link ($target)"
  [ "$path" = "${target#/}" ] || what="link ($target, read as $path)"
  check "$doc" "$what" "$path"
}
docs=(README.md experiments/README.md)
for f in docs/*.md; do [ -e "$f" ] && docs+=("$f"); done
for doc in "${docs[@]}"; do
  [ -f "$doc" ] || { fail "$doc is missing"; continue; }
  while IFS= read -r tok; do
    [ -n "$tok" ] && check_code "$doc" "$tok"
  done < <(grep -oE '`[^`]+`' "$doc" | tr -d '`' | tr -s ' \t' '\n')
  while IFS= read -r target; do
    check_link "$doc" "$target"
  done < <(grep -oE '\]\([^)]*\)' "$doc" | sed -E 's/^\]\(//; s/\)$//'
           grep -oE '^\[[^]]+\]:[[:space:]]+[^[:space:]]+' "$doc" | sed -E 's/^\[[^]]+\]:[[:space:]]+//')
done

[ $fails -eq 0 ] &&
  echo "ok: none of $nfiles files points outside the repository; $nchecked referenced paths in ${#docs[@]} documents exist"
[ $fails -eq 0 ]
