#!/usr/bin/env bash
# crisp calibrate (README "crisp calibrate"): a small fit of the rare-earth replay runs and writes
# its CSV; bad calibration files exit with code 2 and one line on stderr naming the file, the key
# and the value, and leave no output behind.
set -uo pipefail
crisp=$1 src=$2
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
fails=0
hist="$src/experiments/history"

# A good file: one parameter, a small budget, the bundled replay and series by absolute path.
cat > "$dir/good.toml" <<TOML
[calibration]
experiment = "$hist/ree-2010.toml"
day0 = "2010-01-01"
fit = ["2010-01", "2011-12"]
evaluations = 6

[[parameter]]
name = "china-ree-quota-h2-2010.leakage"
min = 0
max = 1

[[series]]
name = "exports"
kind = "exports"
file = "$hist/series/ree-exports-cn.csv"
date = "period"
value = "value_t"
material = "rare_earths"
region = "importers"
country = "CN"
TOML

if ! (cd "$dir" && "$crisp" calibrate good.toml -o fit.csv --quiet > out.txt 2> err.txt); then
  echo "FAIL good: exit $?: $(cat "$dir/err.txt")"; fails=$((fails + 1))
else
  header=$(head -1 "$dir/fit.csv")
  [[ $header == record,series,period,* ]] || { echo "FAIL good: header '$header'"; fails=$((fails + 1)); }
  # One parameter row, one objective row, a point per placed figure, a row per evaluation.
  [ "$(grep -c '^parameter,' "$dir/fit.csv")" -eq 1 ] || { echo "FAIL good: parameter rows"; fails=$((fails + 1)); }
  grep '^point,exports,2010-09,2010-09,2010-09,fit,3660,' "$dir/fit.csv" > /dev/null ||
    { echo "FAIL good: no fit point for 2010-09 (3660 t)"; fails=$((fails + 1)); }
  grep '^point,exports,2012,2012-01,2012-12,holdout,16265,' "$dir/fit.csv" > /dev/null ||
    { echo "FAIL good: no hold-out point for 2012 (16265 t)"; fails=$((fails + 1)); }
  evals=$(grep -c '^evaluation,' "$dir/fit.csv")
  [ "$evals" -ge 7 ] || { echo "FAIL good: $evals evaluation rows"; fails=$((fails + 1)); }
  grep 'objective:' "$dir/out.txt" > /dev/null || { echo "FAIL good: no objective on stdout"; fails=$((fails + 1)); }
  # A second run replaces the CSV it wrote (it is calibrate's own kind of file).
  (cd "$dir" && "$crisp" calibrate good.toml -o fit.csv --quiet > /dev/null 2>&1) ||
    { echo "FAIL good: a rerun did not replace its own CSV"; fails=$((fails + 1)); }
  echo "ok   good: $(grep '^parameter,' "$dir/fit.csv")"
fi

# case name | sed edit of good.toml | the line the message must point at | a word it must contain
check() {
  local name=$1 edit=$2 line=$3 word=$4
  local bad="$dir/$name.toml"
  sed "$edit" "$dir/good.toml" > "$bad"
  (cd "$dir" && "$crisp" calibrate "$bad" -o "$dir/$name.csv" --quiet >/dev/null 2> "$dir/$name.err")
  local code=$?
  local msg; msg=$(cat "$dir/$name.err")
  local problems=()
  [ $code -eq 2 ] || problems+=("exit code $code, expected 2")
  [ "$(wc -l < "$dir/$name.err")" -eq 1 ] || problems+=("stderr is not one line")
  [[ $msg == "crisp: error: $bad:$line"* ]] || problems+=("does not start with 'crisp: error: $bad:$line'")
  [[ $msg == *"$word"* ]] || problems+=("does not mention '$word'")
  [ ! -e "$dir/$name.csv" ] && [ ! -e "$dir/$name.csv.partial" ] || problems+=("left a file")
  if [ ${#problems[@]} -gt 0 ]; then
    echo "FAIL $name: $msg"; printf '  - %s\n' "${problems[@]}"; fails=$((fails + 1))
  else
    echo "ok   $name: $msg"
  fi
}

check unknown-parameter 's/h2-2010.leakage/h2-2010.leakag/'           8  "did you mean 'leakage'"
check unknown-shock     's/china-ree-quota-h2-2010/china-quota/'      8  "'china-quota' names no shock"
check min-above-max     's/^max = 1$/max = -1/'                       10 "max must be above min (0), got -1"
check leakage-range     's/^max = 1$/max = 1.5/'                      10 "must be in [0, 1], got 1.5"
check start-outside     's/^max = 1$/max = 1\nstart = 2/'             11 "start must be in [0, 1], got 2"
check no-column         's/value_t/value_tonnes/'                     17 "'value_tonnes' is not a column"
check no-series-file    's/ree-exports-cn.csv/ree-exports.csv/'       15 "cannot read"
check no-replay         's/ree-2010.toml/ree-2011.toml/'              2  "cannot read"
check fit-before-day0   's/"2010-01", "2011-12"/"2009-06", "2011-12"/' 4 "month 2009-06 is outside the replay"
check fit-past-end      's/"2010-01", "2011-12"/"2010-01", "2015-02"/' 4 "month 2015-02 is outside the replay"
check fit-backwards     's/"2010-01", "2011-12"/"2011-01", "2010-12"/' 4 "before the first"
check bad-month         's/"2010-01", "2011-12"/"2010-13", "2011-12"/' 4 "'2010-13'"
check bad-day0          's/2010-01-01/2010-02-30/'                    3  "'2010-02-30'"
check no-region         's/"importers"/"importer"/'                   19 "did you mean 'importers'"
check no-country        's/"CN"/"US"/'                                20 "no mine or refinery"
check unknown-key       's/^evaluations = 6/evaluation = 6/'          5  "did you mean 'evaluations'"
check unknown-kind      's/kind = "exports"/kind = "export"/'         14 "did you mean 'exports'"

# A missing calibration file, and a period the series file cannot place.
"$crisp" calibrate "$dir/none.toml" -o "$dir/none.csv" 2> "$dir/none.err"; code=$?
if [ $code -eq 2 ] && [ "$(wc -l < "$dir/none.err")" -eq 1 ] && grep "none.toml: cannot read" "$dir/none.err" > /dev/null; then
  echo "ok   missing-file: $(cat "$dir/none.err")"
else
  echo "FAIL missing-file: exit $code: $(cat "$dir/none.err")"; fails=$((fails + 1))
fi
printf 'period,value_t\n2010-09,3660\nsometime,12\n' > "$dir/odd.csv"
sed "s|file = \".*ree-exports-cn.csv\"|file = \"odd.csv\"|" "$dir/good.toml" > "$dir/odd.toml"
(cd "$dir" && "$crisp" calibrate odd.toml -o odd.csv.out --quiet > /dev/null 2> odd.err); code=$?
if [ $code -eq 2 ] && [ "$(wc -l < "$dir/odd.err")" -eq 1 ] && grep "odd.csv:3: column 'period' must be a period" "$dir/odd.err" > /dev/null; then
  echo "ok   bad-period: $(cat "$dir/odd.err")"
else
  echo "FAIL bad-period: exit $code: $(cat "$dir/odd.err")"; fails=$((fails + 1))
fi

exit $fails
