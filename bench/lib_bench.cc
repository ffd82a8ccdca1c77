// lib-bench: the hook's and the wrapper's pure work on one config.json, in
// process, without exec, dynamic loading or system calls: what the size of
// the spec costs.
//
//   lib-bench [-n RUNS] CONFIG...
//
// For each file, the median over RUNS of (microseconds of thread CPU time):
//   parse      ParseJson (the DOM over yajl)
//   hook       ParseSpec + IdentityFromAnnotations + MakePlan + FindViolations
//              (everything the hook computes before it touches a mount)
//   rewrite    ParseJson + RewriteSpec + WriteJson (the wrapper's create work,
//              without the file write and fsync)
// and the parts of rewrite: RewriteSpec alone, of which CompileProfile of the
// spec's own seccomp profile (libseccomp; 0 without one), and WriteJson.
// Output: tab-separated FILE BYTES MOUNTS PARSE HOOK REWRITE REWRITESPEC
// COMPILE WRITE (microseconds).
#include <time.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "json/json.h"
#include "oci/spec.h"
#include "policy/decision.h"
#include "policy/identity.h"
#include "policy/policy.h"
#include "runtime/rewrite.h"
#include "seccomp/filter.h"

using namespace oci_immutable;

namespace {

// CPU time of this thread: the work itself, without the time other processes
// take the CPU away (equal to wall time on an idle machine).
double NowUs() {
  timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e6 + static_cast<double>(t.tv_nsec) / 1e3;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "lib-bench: %s\n", what.c_str());
  std::exit(1);
}

template <typename F>
double MedianUs(int runs, F&& f) {
  std::vector<double> us;
  f();  // warm-up
  for (int i = 0; i < runs; ++i) {
    const double t0 = NowUs();
    f();
    us.push_back(NowUs() - t0);
  }
  return Median(us);
}

}  // namespace

int main(int argc, char** argv) {
  int runs = 50;
  int first = 1;
  if (argc > 2 && std::string(argv[1]) == "-n") {
    runs = std::atoi(argv[2]);
    first = 3;
  }
  if (first >= argc) Die("usage: lib-bench [-n RUNS] CONFIG...");
  const Policy policy = DefaultPolicy();
  const HookInjection hook{"/usr/libexec/oci/hooks.d/oci-immutable-hook",
                           {"oci-immutable-hook", "createContainer"}};
  for (int i = first; i < argc; ++i) {
    std::ifstream in(argv[i], std::ios::binary);
    if (!in) Die(std::string("cannot read ") + argv[i]);
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string text = ss.str();
    Result<Spec> spec = ParseSpec(text);
    if (!spec.ok()) Die(std::string(argv[i]) + ": " + spec.error().ToString());
    size_t sink = 0;  // keeps the work observable

    const double parse = MedianUs(runs, [&] {
      Result<Json> doc = ParseJson(text, kSpecLimits);
      if (!doc.ok()) Die(doc.error().ToString());
      sink += doc->object().size();
    });
    const double hook_us = MedianUs(runs, [&] {
      Result<Spec> s = ParseSpec(text);
      if (!s.ok()) Die(s.error().ToString());
      const KubeIdentity identity = IdentityFromAnnotations(s->annotations);
      const Plan plan = MakePlan(policy, *s, identity);
      const std::vector<Violation> v = FindViolations(*s);
      sink += plan.readonly_paths.size() + v.size();
    });
    const double rewrite = MedianUs(runs, [&] {
      Result<Json> doc = ParseJson(text, kSpecLimits);
      if (!doc.ok()) Die(doc.error().ToString());
      Result<RewriteResult> r = RewriteSpec(*doc, policy, hook);
      if (!r.ok()) Die(r.error().ToString());
      sink += WriteJson(r->spec).size();
    });
    Result<Json> doc = ParseJson(text, kSpecLimits);
    if (!doc.ok()) Die(doc.error().ToString());
    const double rewrite_spec = MedianUs(runs, [&] {
      Result<RewriteResult> r = RewriteSpec(*doc, policy, hook);
      if (!r.ok()) Die(r.error().ToString());
      sink += r->changed;
    });
    double compile = 0;
    if (spec->has_seccomp) {
      compile = MedianUs(runs, [&] {
        Result<SeccompFilter> f = CompileProfile(spec->seccomp);
        if (!f.ok()) Die(f.error().ToString());
        sink += f->get() != nullptr;
      });
    }
    Result<RewriteResult> rewritten = RewriteSpec(*doc, policy, hook);
    if (!rewritten.ok()) Die(rewritten.error().ToString());
    const double write = MedianUs(runs, [&] { sink += WriteJson(rewritten->spec).size(); });
    std::printf("%s\t%zu\t%zu\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\n", argv[i], text.size(),
                spec->mounts.size(), parse, hook_us, rewrite, rewrite_spec, compile, write);
    if (sink == 0) std::fputs("", stderr);
  }
  return 0;
}
