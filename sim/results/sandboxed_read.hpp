#pragma once
// Reading a results file anyway (--unverified) when its seal does not vouch for it: a file changed
// by another program (h5py), written by an older crisp, or damaged. HDF5 1.10 trusts what such a
// file says of itself and may crash, allocate without bound or loop, so the file is first read
// whole (every attribute and dataset crisp reads) in a child process under a memory limit and a
// timeout. Only when the child finishes are those exact bytes trusted by this process
// (trust_exact_bytes): the commands then read the file as they read any.

#include <cstddef>
#include <string>

namespace crisp {

// The child's limits; zero: crisp's defaults (4 GiB plus 32 times the file's size of memory, 10 s
// plus 1 s per 4 MiB). Memory is not limited in a sanitizer build (its runtime reserves terabytes
// of address space and bounds allocations itself).
struct SandboxLimits {
  std::size_t memory_bytes = 0;
  unsigned seconds = 0;
};

// Throws UnsealedFile (one line naming the file) when the child fails, crashes, runs out of memory
// or time, or the file changes while it is read. Call before any thread starts (it forks).
void read_unverified(const std::string& path, SandboxLimits limits = {});

}  // namespace crisp
