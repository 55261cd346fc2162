#pragma once
// Replaces the global operator new/delete with versions that count allocations while
// `labtwin::test::g_counting` is set (the hot-path no-allocation checks). Include it in exactly
// one translation unit of a test program. Every unaligned form is replaced so that none is
// paired with a sanitizer's own (ASan checks new/delete pairs).
#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <new>

namespace labtwin::test {
inline std::atomic<bool> g_counting{false};  ///< count while true
inline std::atomic<long> g_news{0};          ///< operator new calls counted (all threads)
}  // namespace labtwin::test

[[gnu::noinline]] void* operator new(std::size_t n) {
  if (labtwin::test::g_counting.load(std::memory_order_relaxed))
    labtwin::test::g_news.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
[[gnu::noinline]] void* operator new[](std::size_t n) { return operator new(n); }
[[gnu::noinline]] void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  return std::malloc(n == 0 ? 1 : n);
}
[[gnu::noinline]] void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
  return std::malloc(n == 0 ? 1 : n);
}
[[gnu::noinline]] void operator delete(void* p) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p, std::size_t) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete[](void* p) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
