#pragma once
// Boxed<T>: a T kept on the heap only once it is written, with value
// semantics (copies copy the T). For parts of a large record that most
// records never set: an empty box costs one pointer, and reading it gives a
// default T.

#include <memory>

namespace debriefd {

template <class T>
class Boxed {
 public:
  Boxed() = default;
  Boxed(const Boxed& other) : p_(other.p_ ? std::make_unique<T>(*other.p_) : nullptr) {}
  Boxed(Boxed&&) noexcept = default;
  Boxed& operator=(const Boxed& other) {
    if (this != &other) p_ = other.p_ ? std::make_unique<T>(*other.p_) : nullptr;
    return *this;
  }
  Boxed& operator=(Boxed&&) noexcept = default;

  // True once written (even if written back to default values).
  bool has_value() const { return p_ != nullptr; }
  // The T, or a default one when nothing was written.
  const T& get() const {
    static const T kEmpty{};
    return p_ ? *p_ : kEmpty;
  }
  // The T to write; creates it on first use.
  T& mut() {
    if (!p_) p_ = std::make_unique<T>();
    return *p_;
  }

 private:
  std::unique_ptr<T> p_;
};

}  // namespace debriefd
