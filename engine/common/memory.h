// Giving freed heap memory back to the operating system after a burst of allocations (a
// large rematch builds option lists of hundreds of MB and frees them at its end). The
// programs that serve link tcmalloc (CMakeLists.txt, W2W_TCMALLOC), which keeps freed
// pages in its page heap and returns them slowly; glibc's malloc keeps freed memory in
// its arenas. Without this the server's RSS stays near its peak after a run.
//
// Thread safety: safe to call from any thread; it takes the allocator's locks for a few
// milliseconds per GB released.
#ifndef W2W_ENGINE_COMMON_MEMORY_H_
#define W2W_ENGINE_COMMON_MEMORY_H_

#include <cstdint>

namespace w2w::memory {

// Returns the allocator's free pages to the system: tcmalloc's ReleaseFreeMemory when the
// process runs on tcmalloc, else glibc's malloc_trim(0).
void ReleaseFreeMemory();

// The process's resident set size in bytes (VmRSS of /proc/self/status); 0 if unknown.
uint64_t ResidentBytes();

// Bytes the program has allocated and not freed (tcmalloc's
// generic.current_allocated_bytes; glibc's mallinfo2 in-use bytes without tcmalloc):
// unlike RSS, it does not include freed memory the allocator keeps for reuse.
uint64_t AllocatedBytes();

}  // namespace w2w::memory

#endif  // W2W_ENGINE_COMMON_MEMORY_H_
