#include "labtwin/adapters/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace labtwin::adapters {
namespace {

std::filesystem::path temp_beside(const std::filesystem::path& path) {
  auto tmp = path;
  tmp += ".tmp." + std::to_string(::getpid());
  return tmp;
}

[[noreturn]] void fail(const std::string& what, const std::filesystem::path& p) {
  throw std::runtime_error(what + " " + p.string() + ": " + std::strerror(errno));
}

void fsync_path(const std::filesystem::path& p, int flags) {
  const int fd = ::open(p.c_str(), flags);
  if (fd < 0) return;  // directories may not be openable on every file system: best effort
  ::fsync(fd);
  ::close(fd);
}

void commit(const std::filesystem::path& tmp, const std::filesystem::path& path) {
  fsync_path(tmp, O_RDONLY);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int e = errno;
    std::filesystem::remove(tmp);
    errno = e;
    fail("cannot rename onto", path);
  }
  const auto dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  fsync_path(dir, O_RDONLY | O_DIRECTORY);
}

}  // namespace

void write_file_atomic(const std::filesystem::path& path, std::string_view content) {
  produce_file_atomic(path, [&](const std::filesystem::path& tmp) {
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) fail("cannot create", tmp);
    const char* p = content.data();
    std::size_t left = content.size();
    while (left > 0) {
      const ssize_t n = ::write(fd, p, left);
      if (n < 0) {
        if (errno == EINTR) continue;
        ::close(fd);
        fail("cannot write", tmp);
      }
      p += n;
      left -= static_cast<std::size_t>(n);
    }
    if (::close(fd) != 0) fail("cannot close", tmp);
  });
}

void produce_file_atomic(const std::filesystem::path& path,
                         const std::function<void(const std::filesystem::path& tmp)>& writer) {
  const auto tmp = temp_beside(path);
  try {
    writer(tmp);
  } catch (...) {
    std::error_code ec;
    std::filesystem::remove(tmp, ec);
    throw;
  }
  commit(tmp, path);
}

}  // namespace labtwin::adapters
