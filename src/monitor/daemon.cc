#include "monitor/daemon.h"

#include <signal.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <algorithm>
#include <map>
#include <optional>
#include <vector>

#include "log/sink.h"
#include "monitor/attempt_record.h"
#include "monitor/client.h"
#include "monitor/notifier.h"
#include "sys/unix_socket.h"

namespace oci_immutable {
namespace {

// A runtime connects, sends one message and is done; crun connects before
// the hooks run, so the wait is generous. Only root gets this far.
constexpr int64_t kClientTimeoutMs = 60'000;
constexpr size_t kMaxPendingClients = 128;
constexpr int kMaxEvents = 64;

enum Kind : uint64_t { kListen = 1, kSignal, kClient, kNotify };
uint64_t Tag(Kind kind, int fd) { return (uint64_t{kind} << 32) | static_cast<uint32_t>(fd); }

int64_t NowMs() {
  timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return int64_t{t.tv_sec} * 1000 + t.tv_nsec / 1'000'000;
}

// stderr (the journal under systemd); of each kind of line clients can
// cause, at most one a second.
class Say {
 public:
  void operator()(const std::string& line) {
    std::fprintf(stderr, "%s: %s\n", kMonitorProgram, line.c_str());
  }
  void Limited(const std::string& kind, const std::string& line) {
    Budget& b = budgets_[kind];
    const int64_t now = NowMs();
    if (now - b.last_ms < 1000) {
      ++b.dropped;
      return;
    }
    b.last_ms = now;
    (*this)(b.dropped ? line + " (" + std::to_string(b.dropped) + " more not shown)" : line);
    b.dropped = 0;
  }

 private:
  struct Budget {
    int64_t last_ms = -1000;
    long dropped = 0;
  };
  std::map<std::string, Budget> budgets_;
};

class Monitor {
 public:
  Monitor(const Policy& policy, Notifier notifier, UniqueFd listen, UniqueFd signals, UniqueFd epoll)
      : policy_(policy), notifier_(std::move(notifier)), listen_(std::move(listen)),
        signals_(std::move(signals)), epoll_(std::move(epoll)) {
    sink_.emplace(LogSink::Open(policy.log, kMonitorProgram));
  }

  Status Add(int fd, Kind kind, uint32_t events) {
    epoll_event ev{};
    ev.events = events;
    ev.data.u64 = Tag(kind, fd);
    if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &ev) != 0) return ErrnoError("epoll_ctl");
    return OkStatus();
  }

  Status Run() {
    OI_RETURN_IF_ERROR(Add(listen_.get(), kListen, EPOLLIN));
    OI_RETURN_IF_ERROR(Add(signals_.get(), kSignal, EPOLLIN));
    epoll_event events[kMaxEvents];
    while (!stop_) {
      const int n = ::epoll_wait(epoll_.get(), events, kMaxEvents, Timeout());
      if (n < 0 && errno != EINTR) return ErrnoError("epoll_wait");
      for (int i = 0; i < n; ++i) Dispatch(events[i]);
      Expire();
    }
    return OkStatus();
  }

 private:
  int Timeout() const {
    if (clients_.empty() && !listen_paused_) return -1;
    int64_t next = listen_paused_ ? resume_ms_ : INT64_MAX;
    for (const auto& [fd, c] : clients_) next = std::min(next, c.deadline_ms);
    return static_cast<int>(std::clamp<int64_t>(next - NowMs(), 0, 60'000));
  }

  void Dispatch(const epoll_event& ev) {
    const auto kind = static_cast<Kind>(ev.data.u64 >> 32);
    const auto fd = static_cast<int>(ev.data.u64 & 0xffffffffu);
    switch (kind) {
      case kListen: AcceptAll(); break;
      case kSignal: Signal(); break;
      case kClient: Client(fd); break;
      case kNotify: Notify(fd, ev.events); break;
    }
  }

  void AcceptAll() {
    for (int i = 0; i < kMaxEvents; ++i) {
      UniqueFd fd(::accept4(listen_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
      if (!fd.valid()) {
        if (errno == EMFILE || errno == ENFILE) PauseListening();
        return;
      }
      Result<uid_t> uid = PeerUid(fd.get());
      if (!uid.ok() || *uid != 0) {
        say_.Limited("uid", "refused a connection from uid " +
                                (uid.ok() ? std::to_string(*uid) : "?"));
        continue;
      }
      if (clients_.size() >= kMaxPendingClients) Drop(Oldest(), "too many pending connections");
      const int raw = fd.get();
      if (!Add(raw, kClient, EPOLLIN | EPOLLRDHUP).ok()) continue;
      clients_[raw] = PendingClient{std::move(fd), NowMs() + kClientTimeoutMs, {}, {}, 0};
    }
  }

  // Out of descriptors: stop accepting for a second rather than spin.
  void PauseListening() {
    say_.Limited("fds", "out of file descriptors; not accepting for a second");
    ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, listen_.get(), nullptr);
    listen_paused_ = true;
    resume_ms_ = NowMs() + 1000;
  }

  int Oldest() const {
    auto oldest = clients_.begin();
    for (auto it = clients_.begin(); it != clients_.end(); ++it) {
      if (it->second.deadline_ms < oldest->second.deadline_ms) oldest = it;
    }
    return oldest->first;
  }

  void Drop(int fd, const std::string& why) {
    if (!why.empty()) say_.Limited("drop", "dropped a connection: " + why);
    ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, fd, nullptr);
    clients_.erase(fd);
  }

  void Client(int fd) {
    auto it = clients_.find(fd);
    if (it == clients_.end()) return;
    ClientStep step = ReadClient(it->second);
    if (step.kind == ClientStep::kWait) return;
    if (step.kind == ClientStep::kReject) return Drop(fd, step.why);
    WatchedListener listener = std::move(*step.listener);
    ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, fd, nullptr);
    clients_.erase(it);
    const int raw = listener.fd.get();
    if (!Add(raw, kNotify, EPOLLIN).ok()) return;
    say_("watching container " + listener.origin.container_id + " (pid " +
         std::to_string(listener.origin.pid) + ")");
    watched_[raw] = std::move(listener);
  }

  void Notify(int fd, uint32_t events) {
    auto it = watched_.find(fd);
    if (it == watched_.end()) return;
    if (events & EPOLLIN) {
      Result<std::optional<DeniedAttempt>> denied = notifier_.DenyOne(fd);
      if (denied.ok() && *denied) {
        timespec now;
        clock_gettime(CLOCK_REALTIME, &now);
        AttemptOrigin origin = it->second.origin;
        origin.pid = (*denied)->pid;
        sink_->Write(AttemptRecord(origin, now, (*denied)->attempt));
        return;
      }
      if (denied.ok()) return;
      say_("container " + it->second.origin.container_id + ": " + denied.error().ToString());
    } else if (!(events & (EPOLLHUP | EPOLLERR))) {
      return;
    }
    // No process uses the filter any more (EPOLLHUP), or the fd failed.
    ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, fd, nullptr);
    watched_.erase(it);
  }

  void Signal() {
    signalfd_siginfo info;
    while (::read(signals_.get(), &info, sizeof info) == sizeof info) {
      if (info.ssi_signo == SIGHUP) {  // after logrotate moved the file
        sink_.reset();
        sink_.emplace(LogSink::Open(policy_.log, kMonitorProgram));
      } else {
        stop_ = true;
      }
    }
  }

  void Expire() {
    const int64_t now = NowMs();
    if (listen_paused_ && now >= resume_ms_ && Add(listen_.get(), kListen, EPOLLIN).ok()) {
      listen_paused_ = false;
    }
    std::vector<int> late;
    for (const auto& [fd, c] : clients_) {
      if (c.deadline_ms <= now) late.push_back(fd);
    }
    for (int fd : late) Drop(fd, "no complete message in time");
  }

  const Policy& policy_;
  Notifier notifier_;
  UniqueFd listen_, signals_, epoll_;
  std::optional<LogSink> sink_;
  Say say_;
  std::map<int, PendingClient> clients_;
  std::map<int, WatchedListener> watched_;
  bool stop_ = false;
  bool listen_paused_ = false;
  int64_t resume_ms_ = 0;
};

// Every container and exec holds one fd here: as many as the hard limit allows.
void RaiseFdLimit() {
  rlimit r;
  if (::getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < r.rlim_max) {
    r.rlim_cur = r.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &r);
  }
}

}  // namespace

int RunMonitor(const Policy& policy) {
  Say say;
  auto fail = [&say](const Error& e) { say(e.ToString()); return 1; };
  if (!policy.monitor) return fail(Error("the policy has no \"monitor\" key"));
  const std::string& path = policy.monitor->socket;
  RaiseFdLimit();
  ::signal(SIGPIPE, SIG_IGN);
  sigset_t mask;
  sigemptyset(&mask);
  for (int s : {SIGTERM, SIGINT, SIGHUP}) sigaddset(&mask, s);
  if (::sigprocmask(SIG_BLOCK, &mask, nullptr) != 0) return fail(ErrnoError("sigprocmask"));
  UniqueFd signals(::signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC));
  UniqueFd epoll(::epoll_create1(EPOLL_CLOEXEC));
  if (!signals.valid() || !epoll.valid()) return fail(ErrnoError("signalfd/epoll_create1"));
  Result<Notifier> notifier = Notifier::Create();
  if (!notifier.ok()) return fail(notifier.error());
  Result<std::optional<UniqueFd>> passed = ListenFdFromSystemd();
  if (!passed.ok()) return fail(passed.error());
  const bool activated = passed->has_value();
  Result<UniqueFd> listen = activated ? Result<UniqueFd>(std::move(**passed)) : ListenUnix(path);
  if (!listen.ok()) return fail(listen.error());
  struct stat ours{};
  if (!activated) ::stat(path.c_str(), &ours);
  say(std::string("listening on ") + (activated ? "the socket systemd passed" : path));
  Monitor monitor(policy, std::move(*notifier), std::move(*listen), std::move(signals),
                  std::move(epoll));
  Status status = monitor.Run();
  // Ours, and still the same file: gone, so that creates fail closed at once.
  struct stat now{};
  if (!activated && ::stat(path.c_str(), &now) == 0 && now.st_ino == ours.st_ino &&
      now.st_dev == ours.st_dev) {
    ::unlink(path.c_str());
  }
  if (!status.ok()) return fail(status.error());
  say("stopped");
  return 0;
}

}  // namespace oci_immutable
