#pragma once
// Small RAII wrappers over HDF5 C handles (hid_t), private to sim/results and its tests.
// Every handle closes itself with the matching H5*close, so an exception anywhere in a write
// leaves no object open and the partial file can be removed. Failures become h5::Error carrying
// the call that failed and HDF5's own innermost reason, on one line.

#include <hdf5.h>

#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace crisp::h5 {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The deepest entry of HDF5's error stack is the most specific reason ("name already exists");
// the outer entries only repeat which API call failed. File-open failures describe themselves
// as "unable to open file: name = ..., errno = 2, error message = '...', flags = ..."; of that
// only the operating system's message helps a user.
inline std::string innermost_error() {
  std::string reason;
  auto take_first = [](unsigned n, const H5E_error2_t* e, void* out) -> herr_t {
    if (n == 0 && e->desc != nullptr) *static_cast<std::string*>(out) = e->desc;
    return 0;
  };
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, take_first, &reason);

  constexpr std::string_view os_tag = "error message = '";
  if (const auto start = reason.find(os_tag); start != std::string::npos) {
    const auto from = start + os_tag.size();
    if (const auto end = reason.find('\'', from); end != std::string::npos)
      return reason.substr(from, end - from);
  }
  return reason;
}

[[noreturn]] inline void fail(std::string_view what) {
  std::string message(what);
  if (const std::string reason = innermost_error(); !reason.empty()) message += ": " + reason;
  throw Error(message);
}

// For calls that return herr_t or htri_t: negative means failure.
inline void check(herr_t status, std::string_view what) {
  if (status < 0) fail(what);
}

template <herr_t (*Close)(hid_t)>
class Handle {
 public:
  Handle() = default;
  explicit Handle(hid_t id) : id_(id) {}
  Handle(Handle&& other) noexcept : id_(std::exchange(other.id_, H5I_INVALID_HID)) {}
  Handle& operator=(Handle&& other) noexcept {
    if (this != &other) {
      reset();
      id_ = std::exchange(other.id_, H5I_INVALID_HID);
    }
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() { reset(); }

  hid_t get() const { return id_; }
  operator hid_t() const { return id_; }  // so handles pass straight to the C API

  // Closes now and reports failure: for a file, closing flushes, so a full disk shows up here.
  void close(std::string_view what) {
    const herr_t status = Close(std::exchange(id_, H5I_INVALID_HID));
    check(status, what);
  }

  // Hands the id to an owner that closes it itself (ResultsReader keeps a raw hid_t).
  hid_t release() { return std::exchange(id_, H5I_INVALID_HID); }

 private:
  void reset() noexcept {
    if (id_ >= 0) Close(std::exchange(id_, H5I_INVALID_HID));
  }
  hid_t id_ = H5I_INVALID_HID;
};

using File = Handle<H5Fclose>;
using Group = Handle<H5Gclose>;
using Dataset = Handle<H5Dclose>;
using Dataspace = Handle<H5Sclose>;
using Datatype = Handle<H5Tclose>;
using Attribute = Handle<H5Aclose>;
using PropList = Handle<H5Pclose>;

// Takes ownership of an id returned by an H5*create/open/copy call, or throws if it failed.
template <class H>
H own(hid_t id, std::string_view what) {
  if (id < 0) fail(what);
  return H(id);
}

// While alive, HDF5 prints nothing to stderr on failure (our exceptions say what went wrong);
// the previous setting comes back afterwards, so a host program's own choice is kept.
class QuietErrors {
 public:
  QuietErrors() {
    H5Eget_auto2(H5E_DEFAULT, &func_, &data_);
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  }
  ~QuietErrors() { H5Eset_auto2(H5E_DEFAULT, func_, data_); }
  QuietErrors(const QuietErrors&) = delete;
  QuietErrors& operator=(const QuietErrors&) = delete;

 private:
  H5E_auto2_t func_ = nullptr;
  void* data_ = nullptr;
};

}  // namespace crisp::h5
