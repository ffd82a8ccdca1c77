// oci-immutable-monitor's system layer without root: remote string reads,
// the unix socket helpers, a runtime's (or a hostile client's) message, and
// a real seccomp listener: a child loads a notify filter, hands the fd over
// like runc does, and its umount2 is answered EPERM.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "base/unique_fd.h"
#include "monitor/client.h"
#include "monitor/notifier.h"
#include "sys/unix_socket.h"

namespace oci_immutable {
namespace {

constexpr char kState[] =
    R"({"ociVersion":"1.0.2","fds":["seccompFd"],"pid":PID,"metadata":"oci-immutable",)"
    R"("state":{"id":"unit-ctr","status":"creating","pid":PID,"annotations":{)"
    R"("io.kubernetes.pod.namespace":"ns","io.kubernetes.pod.name":"p"}}})";

std::string State(int pid, std::string metadata = "oci-immutable") {
  std::string s = kState;
  for (size_t at; (at = s.find("PID")) != std::string::npos;) s.replace(at, 3, std::to_string(pid));
  s.replace(s.find("oci-immutable"), 13, metadata);
  return s;
}

void SendOrFail(int sock, const std::string& text, const std::vector<int>& fds) {
  Status sent = SendWithFds(sock, text, fds);
  ASSERT_TRUE(sent.ok()) << sent.error().ToString();
}

struct Pair {
  UniqueFd ours, theirs;
};
Pair SocketPair() {
  int sv[2];
  EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
  ::fcntl(sv[0], F_SETFL, O_NONBLOCK);
  return {UniqueFd(sv[0]), UniqueFd(sv[1])};
}

ClientStep Feed(const std::string& text, const std::vector<int>& fds, bool close) {
  Pair p = SocketPair();
  if (!text.empty()) SendOrFail(p.theirs.get(), text, fds);
  if (close) p.theirs.Reset();
  PendingClient client{std::move(p.ours), 0, {}, {}, 0};
  return ReadClient(client);
}

TEST(RemoteStringTest, StopsAtNulAndPageEnds) {
  const long page = ::sysconf(_SC_PAGESIZE);
  auto* mem = static_cast<char*>(::mmap(nullptr, 2 * page, PROT_READ | PROT_WRITE,
                                        MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
  ASSERT_NE(mem, MAP_FAILED);
  ASSERT_EQ(::munmap(mem + page, page), 0);  // (/proc/PID/mem reads PROT_NONE pages)
  UniqueFd self(::open("/proc/self/mem", O_RDONLY | O_CLOEXEC));
  ASSERT_TRUE(self.valid());
  std::memcpy(mem + page - 6, "/mnt\0", 5);  // ends right before the unmapped page
  EXPECT_EQ(ReadRemoteString(self.get(), reinterpret_cast<uintptr_t>(mem + page - 6)), "/mnt");
  std::memset(mem, 'a', page);  // no NUL before the unmapped page
  EXPECT_FALSE(ReadRemoteString(self.get(), reinterpret_cast<uintptr_t>(mem + 10)).has_value());
  EXPECT_FALSE(ReadRemoteString(self.get(), reinterpret_cast<uintptr_t>(mem + page)).has_value());
  EXPECT_FALSE(ReadRemoteString(self.get(), 0).has_value());
  std::string huge(3 * kMaxArgString, 'b');  // unterminated within kMaxArgString
  EXPECT_FALSE(ReadRemoteString(self.get(), reinterpret_cast<uintptr_t>(huge.c_str())).has_value());
  std::string edge(kMaxArgString - 1, 'c');
  EXPECT_EQ(ReadRemoteString(self.get(), reinterpret_cast<uintptr_t>(edge.c_str())), edge);
  ::munmap(mem, page);
}

TEST(UnixSocketTest, ListenReplacesStaleRefusesLive) {
  char dir_template[] = "/tmp/oi-unit-sock.XXXXXX";
  ASSERT_NE(::mkdtemp(dir_template), nullptr);
  const std::string dir = dir_template;
  const std::string path = dir + "/sub/monitor.sock";
  EXPECT_FALSE(CheckListener(path).ok());
  {
    Result<UniqueFd> l = ListenUnix(path);
    ASSERT_TRUE(l.ok()) << l.error().ToString();
    struct stat st;
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0600u);
    ASSERT_EQ(::stat((dir + "/sub").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0700u);
    if (::geteuid() == 0) {
      EXPECT_TRUE(CheckListener(path).ok());
    }
    EXPECT_FALSE(ListenUnix(path).ok());  // live: refused
  }
  Result<UniqueFd> again = ListenUnix(path);  // stale: replaced
  EXPECT_TRUE(again.ok()) << again.error().ToString();
  again = Result<UniqueFd>(UniqueFd());
  ::unlink(path.c_str());
  ASSERT_EQ(::mkdir(path.c_str(), 0700), 0);  // not a socket: refused
  EXPECT_FALSE(ListenUnix(path).ok());
  ::rmdir(path.c_str());
  ::rmdir((dir + "/sub").c_str());
  ::rmdir(dir.c_str());
}

TEST(ClientTest, HostileClientsAreRejected) {
  int pipe_fds[2];
  ASSERT_EQ(::pipe2(pipe_fds, O_CLOEXEC), 0);
  UniqueFd r(pipe_fds[0]), w(pipe_fds[1]);
  EXPECT_EQ(Feed("", {}, true).kind, ClientStep::kReject);  // connect and close: quiet
  EXPECT_EQ(Feed("", {}, true).why, "");
  EXPECT_EQ(Feed("garbage", {}, true).kind, ClientStep::kReject);
  EXPECT_EQ(Feed(State(1), {}, true).kind, ClientStep::kReject);           // no fd
  EXPECT_EQ(Feed(State(1), {r.get()}, true).kind, ClientStep::kReject);    // not seccomp
  EXPECT_EQ(Feed(State(1), {r.get(), w.get(), r.get(), w.get(), r.get()}, true).kind,
            ClientStep::kReject);                                          // too many fds
  EXPECT_EQ(Feed("garbage}", {r.get()}, true).kind, ClientStep::kReject);
  EXPECT_EQ(Feed(std::string(100 * 1024, '{'), {r.get()}, false).kind, ClientStep::kReject);
  // A whole document that is no valid state: refused without waiting for EOF.
  EXPECT_EQ(Feed(R"({"fds":["seccompFd"],"pid":-1,"state":{"id":"a"}})", {r.get()}, false).kind,
            ClientStep::kReject);
  // Not complete yet, connection open: wait.
  EXPECT_EQ(Feed(State(1).substr(0, 40), {r.get()}, false).kind, ClientStep::kWait);
}

// A child with a notify filter on umount2: sends the fd like a runtime, then
// tries umount2 and reports the errno it got on `result`.
pid_t SpawnConfined(int sock, int result, const std::string& metadata) {
  const pid_t pid = ::fork();
  if (pid != 0) return pid;
  scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
  if (ctx == nullptr || seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(umount2), 0) != 0 ||
      seccomp_load(ctx) != 0) {
    _exit(10);
  }
  const int fd = seccomp_notify_fd(ctx);
  const std::string text = State(::getpid(), metadata);
  if (!oci_immutable::SendWithFds(sock, text, {fd}).ok()) _exit(11);
  ::close(fd);
  ::close(sock);
  const int rc = ::umount2("/oi-unit-test-target", MNT_DETACH);
  const int err = rc == 0 ? 0 : errno;
  if (::write(result, &err, sizeof err) != sizeof err) _exit(12);
  _exit(0);
}

// Reads the client (10 s at most) until it is done or rejected.
ClientStep ReadUntilSettled(PendingClient& client) {
  ClientStep step;
  for (int i = 0; i < 200 && step.kind == ClientStep::kWait; ++i) {
    pollfd pfd{client.fd.get(), POLLIN, 0};
    ::poll(&pfd, 1, 50);
    step = ReadClient(client);
  }
  return step;
}

TEST(NotifierTest, DeniesAndDecodesARealAttempt) {
  Pair p = SocketPair();
  int pipe_fds[2];
  ASSERT_EQ(::pipe2(pipe_fds, O_CLOEXEC), 0);
  UniqueFd result(pipe_fds[0]);
  const pid_t child = SpawnConfined(p.theirs.get(), pipe_fds[1], "oci-immutable");
  ::close(pipe_fds[1]);
  p.theirs.Reset();
  PendingClient client{std::move(p.ours), 0, {}, {}, 0};
  ClientStep step = ReadUntilSettled(client);
  ASSERT_EQ(step.kind, ClientStep::kDone) << step.why;
  WatchedListener& w = *step.listener;
  EXPECT_EQ(w.origin.container_id, "unit-ctr");
  EXPECT_EQ(w.origin.pid, child);
  EXPECT_EQ(w.origin.identity.pod_namespace, "ns");
  EXPECT_EQ(w.origin.identity.pod, "p");

  Result<Notifier> notifier = Notifier::Create();
  ASSERT_TRUE(notifier.ok()) << notifier.error().ToString();
  pollfd pfd{w.fd.get(), POLLIN, 0};
  ASSERT_EQ(::poll(&pfd, 1, 5000), 1);
  Result<std::optional<DeniedAttempt>> denied = notifier->DenyOne(w.fd.get());
  ASSERT_TRUE(denied.ok()) << denied.error().ToString();
  ASSERT_TRUE(denied->has_value());
  EXPECT_EQ((*denied)->pid, child);
  EXPECT_EQ((*denied)->attempt.syscall, "umount2");
  EXPECT_EQ((*denied)->attempt.target, "/oi-unit-test-target");
  EXPECT_EQ((*denied)->attempt.flags, "0x2");
  // Nothing else pending: an answer at once, no wait.
  Result<std::optional<DeniedAttempt>> none = notifier->DenyOne(w.fd.get());
  ASSERT_TRUE(none.ok()) << none.error().ToString();
  EXPECT_FALSE(none->has_value());
  int err = 0;
  ASSERT_EQ(::read(result.get(), &err, sizeof err), static_cast<ssize_t>(sizeof err));
  EXPECT_EQ(err, EPERM);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  // Nobody uses the filter any more: the fd hangs up.
  pfd = {w.fd.get(), POLLIN, 0};
  ASSERT_EQ(::poll(&pfd, 1, 5000), 1);
  EXPECT_TRUE(pfd.revents & POLLHUP);
}

TEST(NotifierTest, ForeignMetadataIsRejectedAndTheListenerDies) {
  Pair p = SocketPair();
  int pipe_fds[2];
  ASSERT_EQ(::pipe2(pipe_fds, O_CLOEXEC), 0);
  UniqueFd result(pipe_fds[0]);
  const pid_t child = SpawnConfined(p.theirs.get(), pipe_fds[1], "someone-else");
  ::close(pipe_fds[1]);
  p.theirs.Reset();
  PendingClient client{std::move(p.ours), 0, {}, {}, 0};
  ClientStep step = ReadUntilSettled(client);
  EXPECT_EQ(step.kind, ClientStep::kReject);
  client.fds.clear();  // the only copy of the listener is gone
  int err = 0;
  ASSERT_EQ(::read(result.get(), &err, sizeof err), static_cast<ssize_t>(sizeof err));
  EXPECT_EQ(err, ENOSYS);  // the kernel's answer without a listener: still refused
  ::waitpid(child, nullptr, 0);
}

}  // namespace
}  // namespace oci_immutable
