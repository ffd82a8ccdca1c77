// DropAllCapabilities, in a child process (it cannot be undone).
#include "sys/privileges.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

namespace oci_immutable {
namespace {

std::string StatusField(const std::string& status, const std::string& key) {
  std::istringstream in(status);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(key + ":", 0) == 0) {
      const size_t start = line.find_first_not_of(" \t", key.size() + 1);
      return start == std::string::npos ? "" : line.substr(start);
    }
  }
  return "";
}

TEST(PrivilegesTest, DropLeavesNoCapabilityAndSetsNoNewPrivs) {
  // Emptying the bounding set takes CAP_SETPCAP: the hook always runs as root.
  if (geteuid() != 0) GTEST_SKIP() << "needs root";
  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(pipe_fds[0]);
    Status s = DropAllCapabilities();
    std::ifstream f("/proc/self/status");
    std::stringstream text;
    text << (s.ok() ? "OK" : s.error().ToString()) << "\n" << f.rdbuf();
    const std::string out = text.str();
    if (write(pipe_fds[1], out.data(), out.size()) < 0) _exit(2);
    _exit(0);
  }
  close(pipe_fds[1]);
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = read(pipe_fds[0], buf, sizeof buf)) > 0;) {
    out.append(buf, static_cast<size_t>(n));
  }
  close(pipe_fds[0]);
  int wstatus = 0;
  ASSERT_EQ(waitpid(child, &wstatus, 0), child);
  ASSERT_TRUE(WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0);
  ASSERT_EQ(out.substr(0, 3), "OK\n") << out;
  for (const char* set : {"CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"}) {
    EXPECT_EQ(StatusField(out, set), "0000000000000000") << set;
  }
  EXPECT_EQ(StatusField(out, "NoNewPrivs"), "1");
}

}  // namespace
}  // namespace oci_immutable
