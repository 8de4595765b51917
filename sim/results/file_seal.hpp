#pragma once
// The seal of a results or part file (docs/results-format.md "The seal"): the first 512 bytes of
// every file crisp writes are an HDF5 user block, which HDF5 neither reads nor writes. After HDF5
// has closed the file, crisp writes there a digest (XXH3-128, Debian's libxxhash) of every byte
// that follows, and the file's length. Every crisp reader verifies the seal before any HDF5 call:
// HDF5 1.10 trusts what a file says of itself (counts, sizes, names), so a damaged file could
// crash or hang it, and a structurally valid change (one flipped byte-order bit) would be read as
// wrong numbers. A file that is not as crisp wrote it is refused, unless the user asks to read it
// anyway (`--unverified`): it is then read whole first in a child process under a memory limit
// and a timeout (sim/results/sandboxed_read.hpp), and only those exact bytes are trusted.

#include <cstddef>
#include <stdexcept>
#include <string>

namespace crisp {

inline constexpr std::size_t kSealBytes = 512;  // HDF5's smallest user block

// The file is not as crisp wrote it (or not a crisp file at all); the message says which and what
// to do. A usage error: the user reruns, or reads it anyway with --unverified.
struct UnsealedFile : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The whole-file digest, as 32 lowercase hex digits.
struct Digest {
  std::string hex;
  std::size_t bytes = 0;  // of the file
  bool operator==(const Digest&) const = default;
};

// Writes the seal into `file`, which HDF5 has closed (created with a user block of kSealBytes).
// Throws std::runtime_error naming the file on an I/O failure.
void seal_file(const std::string& file);

// Verifies `path`'s seal before it is handed to HDF5: throws UnsealedFile naming the path. A file
// that this process has read whole in a sandbox (trust_exact_bytes) passes while its bytes are
// unchanged.
void verify_seal(const std::string& path);

// Whether `path` begins with a crisp seal, whatever its digest says: a file crisp wrote (perhaps
// damaged since). Never follows a FIFO or device: anything not a regular file is not one.
bool has_seal(const std::string& path);

// Whether `path` is an HDF5 file: HDF5's signature at 0, or at 512 after a user block (a seal).
bool looks_like_hdf5(const std::string& path);

// The XXH3-128 digest of every byte of `path` (a regular file); throws UnsealedFile when it cannot
// be read.
Digest whole_file_digest(const std::string& path);

// From now on this process trusts a file whose bytes have exactly this digest (--unverified,
// after a sandboxed read of them succeeded).
void trust_exact_bytes(const Digest& digest);

}  // namespace crisp
