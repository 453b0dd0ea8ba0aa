#include "engine/common/memory.h"

#include <malloc.h>

#include <cstdio>
#include <cstring>

// tcmalloc's C entry point, present only when the program is linked with tcmalloc
// (weak: null otherwise, so libraries and tests without it still link).
extern "C" void MallocExtension_ReleaseFreeMemory(void) __attribute__((weak));
extern "C" int MallocExtension_GetNumericProperty(const char* property, size_t* value) __attribute__((weak));

namespace w2w::memory {

void ReleaseFreeMemory() {
  if (MallocExtension_ReleaseFreeMemory != nullptr) {
    MallocExtension_ReleaseFreeMemory();
  } else {
    malloc_trim(0);
  }
}

uint64_t ResidentBytes() {
  FILE* status = std::fopen("/proc/self/status", "r");
  if (status == nullptr) return 0;
  char line[256];
  uint64_t kib = 0;
  while (std::fgets(line, sizeof(line), status) != nullptr) {
    if (std::strncmp(line, "VmRSS:", 6) == 0) {
      unsigned long long value = 0;
      if (std::sscanf(line + 6, "%llu", &value) == 1) kib = value;
      break;
    }
  }
  std::fclose(status);
  return kib * 1024;
}

uint64_t AllocatedBytes() {
  if (MallocExtension_GetNumericProperty != nullptr) {
    size_t value = 0;
    if (MallocExtension_GetNumericProperty("generic.current_allocated_bytes", &value) != 0) return value;
    return 0;
  }
  const struct mallinfo2 info = mallinfo2();
  return info.uordblks + info.hblkhd;
}

}  // namespace w2w::memory
