#!/usr/bin/env bash
# Results files are untrusted input (docs/results-format.md "The seal"): `crisp show`, `export`
# and `check` answer a damaged, truncated, hand-edited or foreign file, and `crisp merge` such a
# part, with exit 2 and one line naming it, before HDF5 reads it; HDF5's own error stack is never
# printed. Read anyway with --unverified (in a sandboxed child), a file whose content is wrong for
# crisp (hand edits through h5py) is still refused with one line; one whose bytes are damaged where
# HDF5 1.10 trusts them (the damage_bytes cases, found by the fuzzer) never crashes or hangs crisp:
# one line and exit 2, or, where HDF5 reads the damage without harm, exit 0.
set -uo pipefail
crisp=$1 src=$2
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
cd "$dir" || exit 1
fails=0
"$crisp" run "$src/tests/cases/cli/small.toml" -r 40 -o good.h5 --quiet > /dev/null ||
  { echo "FAIL: run"; exit 1; }
# case | python that damages copy.h5 (h5py, as f)
damage() {
  local name=$1 code=$2
  cp good.h5 "$name.h5"
  /usr/bin/python3 - "$name.h5" <<PY || { echo "FAIL $name: could not damage the file"; fails=$((fails + 1)); return; }
import sys, h5py, numpy as np
f = h5py.File(sys.argv[1], "r+")
$code
f.close()
PY
}
expect() {  # name | command words...
  local name=$1
  shift
  for cmd in "show $name.h5" "show $name.h5 --metric unmet_t --material gallium" \
    "show $name.h5 --csv" "export $name.h5" "check $name.h5"; do
    # shellcheck disable=SC2086
    "$crisp" $cmd > /dev/null 2> err.txt
    local code=$?
    if [ $code -ne 2 ] || [ "$(grep -c . err.txt)" -ne 1 ] || ! grep -q "$name.h5" err.txt ||
      grep -q "HDF5-DIAG" err.txt; then
      echo "FAIL $name ($cmd): exit $code, $(head -c 400 err.txt)"
      fails=$((fails + 1))
    fi
  done
  "$crisp" show "$name.h5" 2> err.txt > /dev/null
  grep -qE "is not as crisp wrote it|has no crisp seal|is not a crisp results file" err.txt ||
    { echo "FAIL $name: not refused by the seal: $(head -c 400 err.txt)"; fails=$((fails + 1)); }
}
# unverified NAME [refused]: show and check with --unverified never crash or hang: exit 2 with one
# line naming the file (always, when the second argument is "refused"), or exit 0.
unverified() {
  local name=$1 must=${2:-}
  for cmd in "show $name.h5 --unverified" "check $name.h5 --unverified"; do
    # shellcheck disable=SC2086
    timeout 120 "$crisp" $cmd > /dev/null 2> err.txt
    local code=$?
    local ok=no
    if [ $code -eq 2 ]; then
      [ "$(grep -c . err.txt)" -eq 1 ] && grep -q "$name.h5" err.txt && ok=yes
    elif [ $code -eq 0 ] && [ -z "$must" ] && ! grep -q "HDF5-DIAG" err.txt; then
      ok=yes
    fi
    if [ $ok != yes ] || grep -q "HDF5-DIAG" err.txt; then
      echo "FAIL $name ($cmd): exit $code, $(head -c 400 err.txt)"
      fails=$((fails + 1))
    fi
  done
}

damage reps-huge 'f.attrs.modify("replications", np.int64(1000000))'
expect reps-huge
unverified reps-huge refused
damage reps-negative 'f.attrs.modify("replications", np.int64(-1))'
expect reps-negative
unverified reps-negative refused
damage reps-short 'f.attrs.modify("replications", np.int64(39))'
expect reps-short
unverified reps-short refused
damage metric-gone 'del f["metrics/all/NL/total_cost_eur"]; del f["metrics/gallium/NL/unmet_t"]'
expect metric-gone
unverified metric-gone refused
damage metric-shape 'for m in ("all/NL/total_cost_eur", "gallium/NL/unmet_t"): del f["metrics/" + m]; f["metrics/" + m] = np.zeros((2, 5))'
expect metric-shape
unverified metric-shape refused
damage metric-type 'for m in ("all/NL/total_cost_eur", "gallium/NL/unmet_t"): del f["metrics/" + m]; f["metrics/" + m] = np.array([b"x"] * 3)'
expect metric-type
unverified metric-type refused
damage not-crisp 'f.attrs.modify("filetype", "something-else")'
expect not-crisp
unverified not-crisp refused
damage version 'f.attrs.modify("format_version", np.array([9, 0], dtype=np.int32))'
expect version
unverified version refused
damage no-policies 'del f["policies"]'
expect no-policies
unverified no-policies refused
# /summary and /paired, which plot and report read with h5py: check reads what the format
# promises, so the scripts refuse the file in one line (no traceback), also with --unverified.
damage summary-gone 'del f["summary/all/NL/total_cost_eur"]'
expect summary-gone
unverified summary-gone
damage paired-gone 'del f["paired"]'
expect paired-gone
unverified paired-gone
for name in summary-gone paired-gone; do
  "$crisp" check $name.h5 --unverified 2> err.txt > /dev/null
  grep -qE "check: $name.h5: damaged: /(summary|paired)/[a-z]+/[A-Z]+/[a-z_]+ is missing" err.txt ||
    { echo "FAIL $name: check --unverified: $(cat err.txt)"; fails=$((fails + 1)); }
  for script in plot report; do
    CRISP_BIN=$crisp "$src/scripts/$script" $name.h5 -o out-$script --unverified > /dev/null 2> err.txt
    code=$?
    [ $code -eq 2 ] && [ "$(grep -c . err.txt)" -eq 1 ] && grep -q "^$script: $name.h5: damaged: " err.txt ||
      { echo "FAIL $name: $script --unverified: exit $code, $(head -c 300 err.txt)"; fails=$((fails + 1)); }
  done
done
# Whatever else fails inside plot or report ends in one line and exit 2, not a traceback.
/usr/bin/python3 -c 'import sys; sys.path.insert(0, sys.argv[1])
from crisp_results import run_as_script
run_as_script(lambda: {}["stock"], "plot")' "$src/scripts" 2> err.txt
code=$?
[ $code -eq 2 ] && [ "$(cat err.txt)" = "plot: KeyError: 'stock' (CRISP_TRACEBACK=1 shows where)" ] ||
  { echo "FAIL run_as_script: exit $code, $(head -c 300 err.txt)"; fails=$((fails + 1)); }
head -c 3000 good.h5 > truncated.h5
expect truncated
unverified truncated refused
printf 'not an hdf5 file\n' > text.h5
expect text
: > empty.h5
expect empty
# Byte-level damage that HDF5 itself would answer by allocating what the file claims: the length
# of the filetype attribute's variable-length value (HDF5 allocated 3.5 GB for it), and the size of
# the global heap collection that holds it. damage_bytes NAME SOURCE KIND (python edits a copy).
damage_bytes() {
  local name=$1 source=$2 kind=$3
  cp "$source" "$name.h5"
  /usr/bin/python3 - "$name.h5" "$kind" <<'PY' || { echo "FAIL $name: could not damage the file"; fails=$((fails + 1)); }
import struct, sys
path, kind = sys.argv[1], sys.argv[2]
data = bytearray(open(path, "rb").read())
base = 512  # HDF5's addresses count from the end of crisp's seal (the user block)
if kind == "vlen-length":
    # The filetype attribute message: name, then a variable-length string type (16 bytes a value)
    # and a scalar dataspace; its value's length is the first 4 bytes of the data.
    name = data.index(b"filetype\0")
    version = data[name - 8]
    assert version in (1, 2), version
    name_size, type_size, space_size = struct.unpack_from("<HHH", data, name - 6)
    pad = (lambda n: (n + 7) // 8 * 8) if version == 1 else (lambda n: n)
    value = name + pad(name_size) + pad(type_size) + pad(space_size)
    length, collection = struct.unpack_from("<IQ", data, value)
    collection += base
    assert length in (13, 10) and data[collection:collection + 4] == b"GCOL", (length, collection)
    struct.pack_into("<I", data, value, 0xD0000000)
elif kind == "vlen-width":
    # The filetype attribute's string type claiming values of 9 bytes, not 16 (length, collection
    # address, index): HDF5 copied 16 bytes out of 9.
    name = data.index(b"filetype\0")
    assert data[name - 8] == 1, data[name - 8]
    name_size = struct.unpack_from("<H", data, name - 6)[0]
    kind_at = name + (name_size + 7) // 8 * 8
    assert data[kind_at] & 0x0F == 9 and struct.unpack_from("<I", data, kind_at + 4)[0] == 16
    struct.pack_into("<I", data, kind_at + 4, 9)
elif kind == "renamed-attribute":
    # The filetype attribute under another name, claiming a million values: found only by walking
    # the root's object header (HDF5 decodes every attribute of the root to find one by name).
    name = data.index(b"filetype\0")
    assert data[name - 8] == 1, data[name - 8]
    name_size, type_size, space_size = struct.unpack_from("<HHH", data, name - 6)
    space = name + (name_size + 7) // 8 * 8 + (type_size + 7) // 8 * 8
    assert data[space] == 1 and data[space + 1] == 0, (data[space], data[space + 1])  # scalar
    data[name:name + 8] = b"gilitype"
    data[space + 1] = 1
    struct.pack_into("<Q", data, space + 8, 1000000)
elif kind == "local-heap-size":
    # A group's local heap (its link names) claiming a data segment of 3.5 GB.
    at = data.index(b"HEAP\0\0\0\0")
    struct.pack_into("<Q", data, at + 8, 0xD0000000)
elif kind == "local-heap-name":
    # The root group's local heap (its link names) without its final NUL: HDF5 copies a name near
    # the end with strdup, past the heap.
    at = data.index(b"HEAP\0\0\0\0")
    size, data_at = struct.unpack_from("<Q", data, at + 8)[0], base + struct.unpack_from("<Q", data, at + 24)[0]
    assert data[data_at + size - 1] == 0
    data[data_at + size - 1] = ord("x")
elif kind == "compound-members":
    # The /policies table's datatype message claiming 65 535 members: HDF5 1.10 decodes them all,
    # names with strdup, far past the message.
    import h5py
    with h5py.File(path, "r") as f:
        header = base + h5py.h5o.get_info(f["policies"].id).addr
    assert data[header] == 1
    blocks, found = [(header + 16, struct.unpack_from("<I", data, header + 8)[0])], False
    for at, length in blocks:  # the header's own block, then its continuations
        end = at + length
        while at < end and not found:
            kind_of, size = struct.unpack_from("<HH", data, at)
            if kind_of == 0x10:
                address, length = struct.unpack_from("<QQ", data, at + 8)
                blocks.append((base + address, length))
            if kind_of == 3:
                assert data[at + 8] & 0x0F == 6  # compound
                struct.pack_into("<H", data, at + 9, 0xFFFF)
                found = True
            at += 8 + size
    assert found, "no datatype message in the /policies header"
elif kind == "last-gcol-size":
    # The file's last global heap collection, more than 2 MiB in: the reader checks the whole
    # file a window at a time, not only its first window.
    at = data.rindex(b"GCOL\x01\0\0\0")
    assert at > 2 * 1024 * 1024, at
    struct.pack_into("<Q", data, at + 8, 0xD0000000)
elif kind == "gcol-size":
    at = data.index(b"GCOL\x01\0\0\0")
    struct.pack_into("<Q", data, at + 8, 0xD0000000)
open(path, "wb").write(data)
PY
}
damage_bytes vlen-length good.h5 vlen-length
expect vlen-length
unverified vlen-length
damage_bytes gcol-size good.h5 gcol-size
expect gcol-size
unverified gcol-size
"$crisp" run "$src/tests/cases/cli/small.toml" -r 20000 -o big.h5 --quiet > /dev/null
damage_bytes last-gcol-size big.h5 last-gcol-size
expect last-gcol-size
unverified last-gcol-size
damage_bytes local-heap-size good.h5 local-heap-size
expect local-heap-size
unverified local-heap-size
damage_bytes local-heap-name good.h5 local-heap-name
expect local-heap-name
unverified local-heap-name
damage_bytes vlen-width good.h5 vlen-width
expect vlen-width
unverified vlen-width
damage_bytes compound-members good.h5 compound-members
expect compound-members
unverified compound-members
damage_bytes renamed-attribute good.h5 renamed-attribute
expect renamed-attribute
unverified renamed-attribute

# merge reads part files as untrusted as show reads results: a damaged part (truncated, bytes
# changed, edited) is answered with exit 2, one line naming the part, and no merged file.
"$crisp" run "$src/tests/cases/cli/small.toml" -r 8 --shard 1/2 -o part1.h5 --quiet > /dev/null &&
  "$crisp" run "$src/tests/cases/cli/small.toml" -r 8 --shard 2/2 -o part2.h5 --quiet > /dev/null ||
  { echo "FAIL: run --shard"; exit 1; }
merges=0
expect_merge() {  # name [--unverified]: the damaged copy of part 1 is NAME.h5
  local name=$1 flag=${2:-} text="is not as crisp wrote it"
  [ -n "$flag" ] && text=""
  merges=$((merges + 1))
  # shellcheck disable=SC2086
  timeout 120 "$crisp" merge "$name.h5" part2.h5 -o merged.h5 --quiet $flag > /dev/null 2> err.txt
  local code=$?
  if [ $code -ne 2 ] || [ "$(grep -c . err.txt)" -ne 1 ] || ! grep -qF "$name.h5" err.txt ||
    ! grep -qF -- "$text" err.txt ||
    grep -q "HDF5-DIAG" err.txt || [ -e merged.h5 ] || [ -e merged.h5.partial ]; then
    echo "FAIL merge $name: exit $code, $(head -c 400 err.txt)"
    fails=$((fails + 1))
  fi
  rm -f merged.h5 merged.h5.partial
}
head -c 20000 part1.h5 > part-truncated.h5
expect_merge part-truncated
damage_bytes part-vlen-length part1.h5 vlen-length
expect_merge part-vlen-length
damage_bytes part-gcol-size part1.h5 gcol-size
expect_merge part-gcol-size
edit_part() {  # name | python that damages the copy (h5py, as f)
  cp part1.h5 "$1.h5"
  /usr/bin/python3 - "$1.h5" <<PY || { echo "FAIL $1: could not damage the file"; fails=$((fails + 1)); }
import sys, h5py, numpy as np
f = h5py.File(sys.argv[1], "r+")
$2
f.close()
PY
}
# A metric's values replaced by a dataset of the wrong type: found only while merging, after the
# output was claimed.
edit_part part-metric-type 'del f["metrics/all/NL/loss_eur"]; f["metrics/all/NL/loss_eur"] = np.array([b"x"] * 3)'
expect_merge part-metric-type
expect_merge part-metric-type --unverified
edit_part part-metric-gone 'del f["metrics/gallium/NL/unmet_t"]'
expect_merge part-metric-gone
expect_merge part-metric-gone --unverified
edit_part part-experiment 'f.attrs.modify("experiment_toml", "[experiment]\nname = 5\n")'
expect_merge part-experiment
expect_merge part-experiment --unverified
edit_part part-blocks 'del f["part"]; f["part"] = np.array([1.5, 2.5])'
expect_merge part-blocks
expect_merge part-blocks --unverified
# Chunks HDF5 1.10 would copy a whole chunk out of, whatever its filters return (it read past its
# buffer): one that inflates to 8 bytes, not a chunk of 64; one that inflates to more; the filter
# pipeline message made unknown, so that compressed chunks read as raw ones (found by the fuzzer).
edit_part part-chunk-short 'import zlib
d = f["metrics/all/NL/loss_eur"]; d.id.write_direct_chunk((0, 0), zlib.compress(bytes(8)), 0)'
expect_merge part-chunk-short
edit_part part-chunk-long 'import zlib
d = f["metrics/all/NL/loss_eur"]; d.id.write_direct_chunk((1, 0), zlib.compress(bytes(65)), 0)'
expect_merge part-chunk-long
cp part1.h5 part-filter-gone.h5
cp part1.h5 part-filter-unknown.h5
/usr/bin/python3 - <<'PY'
import struct
for name in ("part-filter-gone.h5", "part-filter-unknown.h5"):
    data = bytearray(open(name, "rb").read())
    # A version 1 filter pipeline message: its 8-byte header (type 0x000B), version 1, the count,
    # 6 reserved bytes, then each filter: id, name length, flags, value count, name.
    body = data.index(b"shuffle\0") - 8 - 8
    assert struct.unpack_from("<H", data, body - 8)[0] == 0x000B and data[body] == 1
    if name == "part-filter-gone.h5":
        data[body - 7] = 1  # message type 0x010B: unknown, so HDF5 skips it
    else:
        deflate = data.index(b"deflate\0", body) - 8
        assert struct.unpack_from("<H", data, deflate)[0] == 1
        struct.pack_into("<H", data, deflate, 32000)
    open(name, "wb").write(data)
PY
expect_merge part-filter-gone
expect_merge part-filter-unknown
# Every byte of a 64-byte stretch past the superblock flipped: HDF5 meets garbage in the metadata.
cp part1.h5 part-flipped.h5
/usr/bin/python3 - part-flipped.h5 <<'PY'
import sys
data = bytearray(open(sys.argv[1], "rb").read())
for i in range(800, 864):
    data[i] ^= 0xFF
open(sys.argv[1], "wb").write(data)
PY
expect_merge part-flipped
[ $fails -eq 0 ] &&
  echo "ok: 21 damaged files x 5 commands (and show, check --unverified) and $merges merges of damaged parts: exit 2, one line each"
exit $((fails > 0))
