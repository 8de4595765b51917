"""Writes a crisp journal (docs/results-format.md "Streaming and resume") by hand, for tests of
what --resume accepts: make_journal.py OUT EXPERIMENT SEED R B P SLOTS I N RECORD... where the
header is what `crisp run EXPERIMENT -r R --shard I/N` (seed SEED, blocks of B, P policy sets,
SLOTS metric slots) writes, and each RECORD is BLOCK or BLOCK:nan / BLOCK:inf: the block's values
all 1.0, or with its first value (slot 0) NaN or +inf; the checksum is right in every case."""
import struct, sys
out, toml = sys.argv[1], sys.argv[2]
seed, R, B, P, S, I, N = map(int, sys.argv[3:10])
text = open(toml, "rb").read()
def fnv(data, h=1469598103934665603):
    for c in data:
        h = ((h ^ c) * 1099511628211) & 0xFFFFFFFFFFFFFFFF
    return h
head = struct.pack("<Q6q", seed, R, B, P, S, I, N) + struct.pack("<Q", len(text)) + text
body = b"CRISPJ02" + struct.pack("<Q", len(head)) + head
for rec in sys.argv[10:]:
    block, _, kind = rec.partition(":")
    b = int(block)
    n = min(B, R - b * B) * P
    vals = [1.0] * (n * S)
    if kind == "nan": vals[0] = float("nan")
    if kind == "inf": vals[0] = float("inf")
    data = struct.pack(f"<{len(vals)}d", *vals)
    bb = struct.pack("<q", b)
    body += struct.pack("<Q", 0x4b434f4c42505243) + bb + struct.pack("<Q", len(vals)) + data
    body += struct.pack("<Q", fnv(data, fnv(bb)))
open(out, "wb").write(body)
