#ifndef NETBAR_PREFETCH_H
#define NETBAR_PREFETCH_H
// A hint that `address` will be read soon. Swift has no prefetch; a plain load of a cache miss would stall the
// loop until it arrived, where the prefetch retires at once and lets misses overlap.
static inline void netbar_prefetch(const void *address) { __builtin_prefetch(address, 0, 3); }

#include <malloc.h>
// Hands memory the process has freed back to the system (glibc keeps it for later allocations otherwise). Here
// because Swift's Glibc module does not include malloc.h.
static inline void netbar_release_freed_memory(void) { malloc_trim(0); }
#endif
