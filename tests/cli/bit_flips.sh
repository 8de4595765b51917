#!/usr/bin/env bash
# One flipped bit anywhere in a results or part file is refused (docs/results-format.md "The
# seal"): for a seeded sample of positions in the first 64 KiB of a small results file (every
# dataset header lies there) and of a part, `crisp show`, `check`, `export` and `merge` each exit 2
# with one line naming the file, print nothing on stdout and write no file. The commands take turns
# over the positions; the first 40 positions get all four. CRISP_BIT_FLIPS sets the number of
# positions (default 5000; the sanitizer suite sets fewer, tests/CMakeLists.txt).
set -uo pipefail
crisp=$1 src=$2
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
cd "$dir" || exit 1
small=$src/tests/cases/cli/small.toml
"$crisp" run "$small" -r 4 -o good.h5 --quiet > /dev/null &&
  "$crisp" run "$small" -r 4 --shard 1/2 -o part1.h5 --quiet > /dev/null &&
  "$crisp" run "$small" -r 4 --shard 2/2 -o part2.h5 --quiet > /dev/null ||
  { echo "FAIL: the runs that make the files"; exit 1; }
/usr/bin/python3 - "$crisp" "${CRISP_BIT_FLIPS:-5000}" <<'PY'
import os, random, subprocess, sys

crisp, count = sys.argv[1], int(sys.argv[2])
rng = random.Random(17)
commands = [
    ("show", "good.h5", lambda f: [crisp, "show", f]),
    ("check", "good.h5", lambda f: [crisp, "check", f]),
    ("export", "good.h5", lambda f: [crisp, "export", f, "-o", "out.csv"]),
    ("merge", "part1.h5", lambda f: [crisp, "merge", f, "part2.h5", "-o", "merged.h5", "--quiet"]),
]
originals = {name: open(name, "rb").read() for name in ("good.h5", "part1.h5")}
fails = runs = 0
for i in range(count):
    todo = commands if i < 40 else [commands[i % 4]]
    for name, source, argv in todo:
        data = bytearray(originals[source])
        bit = rng.randrange(8 * min(len(data), 65536))
        data[bit // 8] ^= 1 << (bit % 8)
        flipped = f"flip-{name}.h5"
        with open(flipped, "wb") as f:
            f.write(data)
        done = subprocess.run(argv(flipped), capture_output=True, text=True, timeout=60)
        runs += 1
        lines = done.stderr.splitlines()
        problems = []
        if done.returncode != 2:
            problems.append(f"exit {done.returncode}")
        if len(lines) != 1 or flipped not in done.stderr:
            problems.append("not one line naming the file")
        if done.stdout:
            problems.append("printed on stdout")
        if os.path.exists("out.csv") or os.path.exists("merged.h5"):
            problems.append("wrote a file")
        if problems:
            fails += 1
            print(f"FAIL {name}, bit {bit} (byte {bit // 8}): {', '.join(problems)}: {done.stderr[:300]}")
            for left in ("out.csv", "merged.h5"):
                if os.path.exists(left):
                    os.remove(left)
print(f"{runs - fails} of {runs} runs on flipped files refused ({count} positions)")
sys.exit(1 if fails else 0)
PY
