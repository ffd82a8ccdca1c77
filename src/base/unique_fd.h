// A move-only owner of a file descriptor (sandbox2's FDCloser, minimal).
#ifndef OCI_IMMUTABLE_BASE_UNIQUE_FD_H_
#define OCI_IMMUTABLE_BASE_UNIQUE_FD_H_

#include <unistd.h>

#include <utility>

namespace oci_immutable {

class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.Release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) Reset(other.Release());
    return *this;
  }
  ~UniqueFd() { Reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int Release() { return std::exchange(fd_, -1); }
  void Reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

}  // namespace oci_immutable

#endif  // OCI_IMMUTABLE_BASE_UNIQUE_FD_H_
