#ifndef NETBAR_PREFETCH_H
#define NETBAR_PREFETCH_H
// A hint that `address` will be read soon. Swift has no prefetch; a plain load of a cache miss would stall the
// loop until it arrived, where the prefetch retires at once and lets misses overlap.
static inline void netbar_prefetch(const void *address) { __builtin_prefetch(address, 0, 3); }
#endif
