// Compiled into every program of a sanitizer build (b_sanitize, -Dfuzzing=true;
// see meson.build), so these defaults hold where ASAN_OPTIONS and friends do
// not reach: runc runs createContainer hooks with an environment of its own.
// Never part of a normal build.
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

extern "C" {

// Leaks are errors; a hook that leaks exits nonzero and its runtime fails.
const char* __asan_default_options() { return "detect_leaks=1"; }

// Undefined behaviour aborts (also compiled in: -fno-sanitize-recover=all).
const char* __ubsan_default_options() { return "halt_on_error=1:print_stacktrace=1"; }

// libseccomp 2.5.4 (Debian 12) leaks two 96-byte tree nodes inside
// seccomp_rule_add when, for SCMP_ARCH_X86 (where socket calls are multiplexed
// through socketcall), two socket calls and then socketcall itself get the same
// argument rule. Reproduced with libseccomp alone:
//   seccomp_arch_remove(ctx, SCMP_ARCH_NATIVE); seccomp_arch_add(ctx, SCMP_ARCH_X86);
//   for socket, bind, socketcall:
//     seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1, SCMP_A2(SCMP_CMP_NE, 9));
//   seccomp_release(ctx);  // 192 bytes leaked
// CompileProfile releases its context; the leak is libseccomp's own.
// Regression input: fuzz/corpus/seccomp/regress-libseccomp-x86-socketcall-leak.json
const char* __lsan_default_suppressions() { return "leak:libseccomp.so\n"; }

// LeakSanitizer reads /proc/<getpid()>/task to stop the world. A
// createContainer hook runs in the container's pid namespace while /proc is
// still the host's, where that number is another process (or none): "Can't
// open /proc/N/task", a fatal error. True when /proc names us by another pid.
static bool ProcIsAnotherPidNamespace() {
  char link[32];
  const ssize_t n = readlink("/proc/self", link, sizeof link - 1);
  if (n <= 0) return true;
  link[n] = '\0';
  char own[32];
  const int len = snprintf(own, sizeof own, "%d", static_cast<int>(getpid()));
  return len <= 0 || std::strcmp(link, own) != 0;
}

// LeakSanitizer cannot stop the world while the process is ptraced ("has
// encountered a fatal error", exit 1): skip the leak check then. The monitor
// test runs runc, and so the hooks, under strace -f. Likewise where /proc
// belongs to another pid namespace (above).
int __lsan_is_turned_off() {
  if (ProcIsAnotherPidNamespace()) return 1;
  const int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  char buf[4096];
  const ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return 0;
  buf[n] = '\0';
  const char* tracer = std::strstr(buf, "\nTracerPid:");
  if (tracer == nullptr) return 0;
  tracer += std::strlen("\nTracerPid:");
  while (*tracer == '\t' || *tracer == ' ') ++tracer;
  return *tracer != '0' ? 1 : 0;
}

}  // extern "C"
