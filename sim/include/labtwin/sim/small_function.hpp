#pragma once
/// @file Move-only type-erased callable with an inline small buffer (no std::function).
///
/// Callables whose size fits `Inline` bytes (and whose alignment is at most alignof(void*))
/// and that are nothrow-move-constructible live inside the object; larger ones go to the heap
/// (one allocation). The object itself is one pointer (to a static operations table) plus the
/// buffer, so a `SmallFunction<void(), 16>` is 24 bytes.
#include <cstddef>
#include <cstring>
#include <new>
#include <type_traits>
#include <utility>

namespace labtwin::sim {

template <class Signature, std::size_t Inline = 24>
class SmallFunction;

/// Move-only callable `R(Args...)` stored inline when it fits `Inline` bytes.
template <class R, class... Args, std::size_t Inline>
class SmallFunction<R(Args...), Inline> {
  static_assert(Inline >= sizeof(void*), "buffer must hold at least a pointer");

 public:
  /// Empty function; calling it is undefined (check with operator bool).
  SmallFunction() noexcept = default;
  /// Wraps any callable invocable as R(Args...).
  template <class F, class D = std::decay_t<F>,
            class = std::enable_if_t<!std::is_same_v<D, SmallFunction> &&
                                     std::is_invocable_r_v<R, D&, Args...>>>
  SmallFunction(F&& f) {  // NOLINT(google-explicit-constructor): callable conversion is the point
    if constexpr (fits_inline<D>()) {
      ::new (static_cast<void*>(buf_)) D(std::forward<F>(f));
      ops_ = &kInlineOps<D>;
    } else {
      D* p = new D(std::forward<F>(f));
      ::new (static_cast<void*>(buf_)) D*(p);
      ops_ = &kHeapOps<D>;
    }
  }
  /// Moves the callable; `other` becomes empty.
  SmallFunction(SmallFunction&& other) noexcept : ops_(other.ops_) {
    if (ops_ != nullptr) {
      relocate_from(other);
      other.ops_ = nullptr;
    }
  }
  /// Move assignment; destroys the previous callable.
  SmallFunction& operator=(SmallFunction&& other) noexcept {
    if (this != &other) {
      reset();
      ops_ = other.ops_;
      if (ops_ != nullptr) {
        relocate_from(other);
        other.ops_ = nullptr;
      }
    }
    return *this;
  }
  SmallFunction(const SmallFunction&) = delete;
  SmallFunction& operator=(const SmallFunction&) = delete;
  ~SmallFunction() { reset(); }

  /// Replaces the content with a callable constructed in place (no intermediate moves).
  template <class F, class D = std::decay_t<F>>
  void emplace(F&& f) {
    reset();
    if constexpr (fits_inline<D>()) {
      ::new (static_cast<void*>(buf_)) D(std::forward<F>(f));
      ops_ = &kInlineOps<D>;
    } else {
      D* p = new D(std::forward<F>(f));
      ::new (static_cast<void*>(buf_)) D*(p);
      ops_ = &kHeapOps<D>;
    }
  }
  /// Destroys the stored callable (if any).
  void reset() noexcept {
    if (ops_ != nullptr) {
      if (ops_->destroy != nullptr) ops_->destroy(buf_);
      ops_ = nullptr;
    }
  }
  /// Memory the callable will touch first (from its `prefetch_hint()` member, or the boxed
  /// object for heap-stored callables), or null; used to prefetch the next event.
  const void* prefetch_hint() const noexcept {
    return ops_ != nullptr && ops_->hint != nullptr ? ops_->hint(buf_) : nullptr;
  }
  /// True when a callable is stored.
  explicit operator bool() const noexcept { return ops_ != nullptr; }
  /// Invokes the stored callable.
  R operator()(Args... args) { return ops_->invoke(buf_, std::forward<Args>(args)...); }
  /// True when callables of type F are stored without a heap allocation.
  template <class F>
  static constexpr bool fits_inline() {
    return sizeof(F) <= Inline && alignof(F) <= alignof(void*) &&
           std::is_nothrow_move_constructible_v<F>;
  }

 private:
  // Null relocate / destroy / hint mean: copy the buffer bytes / nothing to destroy / no
  // hint, so trivial lambdas (the common case) cost no indirect call besides invoke.
  struct Ops {
    R (*invoke)(void*, Args&&...);
    void (*relocate)(void* from, void* to) noexcept;
    void (*destroy)(void*) noexcept;
    const void* (*hint)(const void*) noexcept;
  };
  void relocate_from(SmallFunction& other) noexcept {
    if (ops_->relocate != nullptr) {
      ops_->relocate(other.buf_, buf_);
    } else {
      std::memcpy(buf_, other.buf_, Inline);
    }
  }
  using RelocateFn = void (*)(void*, void*) noexcept;
  using DestroyFn = void (*)(void*) noexcept;
  using HintFn = const void* (*)(const void*) noexcept;
  template <class D>
  static constexpr RelocateFn relocate_fn() {
    if constexpr (std::is_trivially_copyable_v<D> && std::is_trivially_destructible_v<D>) {
      return nullptr;
    } else {
      return [](void* from, void* to) noexcept {
        D* src = std::launder(static_cast<D*>(from));
        ::new (to) D(std::move(*src));
        src->~D();
      };
    }
  }
  template <class D>
  static constexpr DestroyFn destroy_fn() {
    if constexpr (std::is_trivially_destructible_v<D>) {
      return nullptr;
    } else {
      return [](void* b) noexcept { std::launder(static_cast<D*>(b))->~D(); };
    }
  }
  template <class D>
  static constexpr HintFn hint_fn() {
    if constexpr (requires(const D& d) { d.prefetch_hint(); }) {
      return [](const void* b) noexcept -> const void* {
        return std::launder(static_cast<const D*>(b))->prefetch_hint();
      };
    } else {
      return nullptr;
    }
  }
  template <class D>
  static constexpr Ops kInlineOps{
      [](void* b, Args&&... a) -> R {
        return (*std::launder(static_cast<D*>(b)))(std::forward<Args>(a)...);
      },
      relocate_fn<D>(), destroy_fn<D>(), hint_fn<D>()};
  template <class D>
  static constexpr Ops kHeapOps{
      [](void* b, Args&&... a) -> R {
        return (**std::launder(static_cast<D**>(b)))(std::forward<Args>(a)...);
      },
      nullptr,  // the buffer holds only the pointer
      [](void* b) noexcept { delete *std::launder(static_cast<D**>(b)); },
      [](const void* b) noexcept -> const void* {
        return *std::launder(static_cast<D* const*>(b));
      }};

  const Ops* ops_ = nullptr;
  alignas(void*) unsigned char buf_[Inline];
};

}  // namespace labtwin::sim
