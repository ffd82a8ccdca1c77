// monitor-bench: what oci-immutable-monitor adds to a syscall. Each variant
// runs in a fresh child with the wrapper's own filter (MergeDenyRules on an
// empty profile, compiled by libseccomp as runc and crun do):
//
//   none     no filter
//   errno    the deny list as SCMP_ACT_ERRNO (EPERM): the wrapper without a monitor
//   notify   the deny list as SCMP_ACT_NOTIFY, the listener fd handed to the
//            monitor at SOCKET like runc does (state + SCM_RIGHTS)
//
// and times N calls of getpid (not in the rule set) and umount2 (denied).
//
//   monitor-bench SOCKET [N]     (root; the monitor must be listening)
//
// Prints "VARIANT SYSCALL NS_PER_CALL MEDIAN_OF_5"; no assertions.
#include <seccomp.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "seccomp/filter.h"
#include "seccomp/profile.h"
#include "sys/unix_socket.h"

namespace {

using oci_immutable::CompileProfile;
using oci_immutable::DenyRuleOptions;
using oci_immutable::MergeDenyRules;
using oci_immutable::SeccompFilter;

double NowNs() {
  timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return static_cast<double>(t.tv_sec) * 1e9 + static_cast<double>(t.tv_nsec);
}

// ns per call, median of 5 rounds of n calls.
template <typename F>
double Time(long n, F call) {
  std::vector<double> rounds;
  for (int r = 0; r < 5; ++r) {
    const double start = NowNs();
    for (long i = 0; i < n; ++i) call();
    rounds.push_back((NowNs() - start) / static_cast<double>(n));
  }
  std::sort(rounds.begin(), rounds.end());
  return rounds[2];
}

bool SendToMonitor(const char* path, int fd) {
  int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path);
  if (connect(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return false;
  const std::string state = "{\"ociVersion\":\"1.0.2\",\"fds\":[\"seccompFd\"],\"pid\":" +
                            std::to_string(getpid()) +
                            ",\"metadata\":\"oci-immutable\",\"state\":{\"id\":\"monitor-bench\"}}";
  const bool ok = oci_immutable::SendWithFds(s, state, {fd}).ok();
  close(s);
  return ok;
}

// Runs one variant in a child; its lines go to stdout.
int Variant(const char* name, const char* socket_path, long n) {
  std::fflush(stdout);
  const pid_t pid = fork();
  if (pid != 0) {
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
  }
  const std::string variant = name;
  if (variant != "none") {
    DenyRuleOptions options;
    if (variant == "notify") options = {socket_path, true};
    auto profile = MergeDenyRules(nullptr, nullptr, options);
    if (!profile.ok()) _exit(2);
    auto filter = CompileProfile(*profile);
    if (!filter.ok() || seccomp_load(filter->get()) != 0) _exit(3);
    if (variant == "notify") {
      const int fd = seccomp_notify_fd(filter->get());
      if (fd < 0 || !SendToMonitor(socket_path, fd)) _exit(4);
      close(fd);  // the monitor holds the only copy, as with runc and crun
      usleep(200'000);  // let it register the fd
    }
  }
  const double getpid_ns = Time(n, [] { syscall(SYS_getpid); });
  int last_errno = 0;
  const double umount_ns = Time(n, [&last_errno] {
    if (umount2("/oi-monitor-bench-none", 0) != 0) last_errno = errno;
  });
  std::printf("%-7s getpid   %9.0f ns\n", name, getpid_ns);
  std::printf("%-7s umount2  %9.0f ns  (%s)\n", name, umount_ns, strerrorname_np(last_errno));
  std::fflush(stdout);
  _exit(0);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: monitor-bench SOCKET [N]\n");
    return 2;
  }
  const long n = argc > 2 ? std::strtol(argv[2], nullptr, 10) : 20000;
  int rc = 0;
  for (const char* v : {"none", "errno", "notify"}) rc |= Variant(v, argv[1], n);
  return rc;
}
