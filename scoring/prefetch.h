// Prefetch hints that the optimizer keeps. Each starts loading one cache line for an access a
// little later. They change no memory, so they are safe from any thread on any address.
#pragma once

namespace logbridge::scoring {

// Starts loading the cache line that contains address, for a read. Does nothing else.
// NOTE: GCC 12 at -O2 treats __builtin_prefetch as free of side effects. A void function that
// only reads memory and prefetches then counts as pure, and the optimizer deletes every call to
// it, prefetches included. The empty volatile asm statement counts as a side effect, so the
// calls stay. It emits no instruction.
inline void StartLoad(const void* address) {
  __builtin_prefetch(address);
  asm volatile("" : : "r"(address));
}

// Starts loading the cache line that contains address, for a write. Does nothing else. On x86-64
// without the PRFCHW extension GCC emits the same instruction as StartLoad.
inline void StartLoadForWrite(const void* address) {
  __builtin_prefetch(address, 1);
  asm volatile("" : : "r"(address));
}

}  // namespace logbridge::scoring
