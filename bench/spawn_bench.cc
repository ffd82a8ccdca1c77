// spawn-bench: wall time of commands, run round-robin so that drift on the
// machine hits every variant alike. Each run's time covers spawn (vfork +
// exec) to the child's exit as wait4 reports it; nothing else is timed.
//
//   spawn-bench [-n RUNS] [-w WARMUP] [--raw FILE] VARIANT...
//   VARIANT := @NAME ['<'FILE] [K=V ...] CMD [ARG...] [@@post CMD [ARG...]]
//                                                     [@@onfail CMD [ARG...]]
//
// "%d" in FILE, CMD and ARGs is replaced by the run number (warm-up runs
// included, counted from 0), so each run can have its own bundle, container
// id or namespace. @@post runs after each run, untimed (clean-up). A run that
// exits non-zero is reported with its stderr, cleaned up (@@onfail, else
// @@post) and run again, up to --retries times in all (default 3; a busy machine makes
// runtimes fail now and then); past that the benchmark stops with status 1.
//
// Output, one tab-separated line per variant:
//   NAME  RUNS  MEDIAN_US  P25_US  P75_US  MIN_US  MAXRSS_KB  CPU_US
// (MAXRSS_KB and CPU_US are medians; CPU is user + system time of the child
// and the descendants it waited for, from wait4: less sensitive than wall
// time to other work on the machine.) --raw appends, per variant, a line of
// wall times "NAME<TAB>US..." and one of CPU times "NAME:cpu<TAB>US...", in
// run order, so that variants can be compared run by run.
#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

extern char** environ;

namespace {

struct Command {
  std::vector<std::string> argv;
};

struct Variant {
  std::string name;
  std::string stdin_file = "/dev/null";
  std::vector<std::string> env;  // K=V added to the environment
  Command cmd;
  Command post;
  Command onfail;
  std::vector<double> us;
  std::vector<double> cpu_us;
  std::vector<long> rss_kb;
};

std::string Subst(const std::string& s, int run) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 1 < s.size() && s[i + 1] == 'd') {
      out += std::to_string(run);
      ++i;
    } else {
      out += s[i];
    }
  }
  return out;
}

double NowUs() {
  timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return static_cast<double>(t.tv_sec) * 1e6 + static_cast<double>(t.tv_nsec) / 1e3;
}

// Runs argv with stdin from `in`, stdout and stderr to /dev/null (or to the
// inherited stderr when `show` is set). Returns the wait status.
int Spawn(const std::vector<std::string>& args, const std::vector<std::string>& env,
          const std::string& in, const std::string& err, double* us, long* rss_kb,
          double* cpu_us = nullptr) {
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::vector<std::string> env_store;
  for (char** e = environ; *e != nullptr; ++e) {
    bool replaced = false;
    for (const std::string& kv : env) {
      const size_t eq = kv.find('=');
      if (std::strncmp(*e, kv.c_str(), eq + 1) == 0) replaced = true;
    }
    if (!replaced) env_store.emplace_back(*e);
  }
  env_store.insert(env_store.end(), env.begin(), env.end());
  std::vector<char*> envp;
  for (std::string& kv : env_store) envp.push_back(kv.data());
  envp.push_back(nullptr);

  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, in.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  pid_t pid;
  const double t0 = NowUs();
  int rc = posix_spawnp(&pid, argv[0], &fa, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) {
    std::fprintf(stderr, "spawn-bench: %s: %s\n", argv[0], std::strerror(rc));
    return -1;
  }
  int status = 0;
  rusage ru{};
  while (wait4(pid, &status, 0, &ru) < 0) {
    if (errno != EINTR) return -1;
  }
  const double t1 = NowUs();
  if (us) *us = t1 - t0;
  if (rss_kb) *rss_kb = ru.ru_maxrss;
  if (cpu_us) {
    *cpu_us = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 +
              static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
  }
  return status;
}

double Quantile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  const double pos = q * static_cast<double>(v.size() - 1);
  const size_t i = static_cast<size_t>(pos);
  const double frac = pos - static_cast<double>(i);
  return i + 1 < v.size() ? v[i] * (1 - frac) + v[i + 1] * frac : v[i];
}

void ShowFile(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "r");
  if (f == nullptr) return;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) std::fwrite(buf, 1, n, stderr);
  std::fclose(f);
}

int Usage() {
  std::fputs("usage: spawn-bench [-n RUNS] [-w WARMUP] [--retries N] [--raw FILE] "
             "@NAME ['<'FILE] [K=V...] CMD [ARG...] [@@post CMD...] ...\n", stderr);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  int runs = 30, warmup = 3, retries = 3;
  std::string raw_file;
  std::vector<Variant> variants;
  enum { kNone, kPre, kCmd, kPost, kOnfail } where = kNone;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (where == kNone && a == "-n" && i + 1 < argc) {
      runs = std::atoi(argv[++i]);
    } else if (where == kNone && a == "-w" && i + 1 < argc) {
      warmup = std::atoi(argv[++i]);
    } else if (where == kNone && a == "--retries" && i + 1 < argc) {
      retries = std::atoi(argv[++i]);
    } else if (where == kNone && a == "--raw" && i + 1 < argc) {
      raw_file = argv[++i];
    } else if (a == "@@post") {
      if (variants.empty()) return Usage();
      where = kPost;
    } else if (a == "@@onfail") {
      if (variants.empty()) return Usage();
      where = kOnfail;
    } else if (a.size() > 1 && a[0] == '@') {
      variants.push_back(Variant{});
      variants.back().name = a.substr(1);
      where = kPre;
    } else if (where == kPre && a[0] == '<') {
      variants.back().stdin_file = a.substr(1);
    } else if (where == kPre && a.find('=') != std::string::npos && a[0] != '/') {
      variants.back().env.push_back(a);
    } else if (where == kPre || where == kCmd) {
      variants.back().cmd.argv.push_back(a);
      where = kCmd;
    } else if (where == kPost) {
      variants.back().post.argv.push_back(a);
    } else if (where == kOnfail) {
      variants.back().onfail.argv.push_back(a);
    } else {
      return Usage();
    }
  }
  if (variants.empty() || runs < 1) return Usage();
  for (const Variant& v : variants) {
    if (v.cmd.argv.empty()) return Usage();
  }

  char err_template[] = "/tmp/spawn-bench.XXXXXX";
  const int err_fd = mkstemp(err_template);
  if (err_fd < 0) return 1;
  close(err_fd);
  const std::string err = err_template;
  struct Unlink {
    const std::string& path;
    ~Unlink() { unlink(path.c_str()); }
  } unlink_err{err};
  const size_t nv = variants.size();
  for (int r = 0; r < warmup + runs; ++r) {
    for (size_t k = 0; k < nv; ++k) {
      Variant& v = variants[(k + static_cast<size_t>(r)) % nv];  // rotate who goes first
      std::vector<std::string> args;
      for (const std::string& a : v.cmd.argv) args.push_back(Subst(a, r));
      std::vector<std::string> post, onfail;
      for (const std::string& a : v.post.argv) post.push_back(Subst(a, r));
      for (const std::string& a : v.onfail.argv) onfail.push_back(Subst(a, r));
      if (onfail.empty()) onfail = post;
      double us = 0, cpu = 0;
      long rss = 0;
      for (int attempt = 1;; ++attempt) {
        const int status = Spawn(args, v.env, Subst(v.stdin_file, r), err, &us, &rss, &cpu);
        if (status == 0) break;
        std::fprintf(stderr, "spawn-bench: %s run %d failed (wait status %d), attempt %d of %d:\n",
                     v.name.c_str(), r, status, attempt, retries);
        ShowFile(err);
        if (!onfail.empty()) Spawn(onfail, {}, "/dev/null", "/dev/null", nullptr, nullptr);
        if (attempt >= retries) return 1;
      }
      if (!post.empty()) Spawn(post, {}, "/dev/null", "/dev/null", nullptr, nullptr);
      if (r >= warmup) {
        v.us.push_back(us);
        v.cpu_us.push_back(cpu);
        v.rss_kb.push_back(rss);
      }
    }
  }

  FILE* raw = raw_file.empty() ? nullptr : std::fopen(raw_file.c_str(), "a");
  for (const Variant& v : variants) {
    std::vector<double> rss(v.rss_kb.begin(), v.rss_kb.end());
    std::printf("%s\t%zu\t%.0f\t%.0f\t%.0f\t%.0f\t%.0f\t%.0f\n", v.name.c_str(), v.us.size(),
                Quantile(v.us, 0.5), Quantile(v.us, 0.25), Quantile(v.us, 0.75),
                *std::min_element(v.us.begin(), v.us.end()), Quantile(rss, 0.5),
                Quantile(v.cpu_us, 0.5));
    if (raw) {
      std::fprintf(raw, "%s", v.name.c_str());
      for (double us : v.us) std::fprintf(raw, "\t%.0f", us);
      std::fprintf(raw, "\n%s:cpu", v.name.c_str());
      for (double us : v.cpu_us) std::fprintf(raw, "\t%.0f", us);
      std::fprintf(raw, "\n");
    }
  }
  if (raw) std::fclose(raw);
  return 0;
}
