#!/usr/bin/env bash
# `make bench`: what oci-immutable costs, measured side by side in one run.
#
#   bash bench/run.sh BUILD_DIR        (root; BUILD_DIR has the programs and
#                                       bench/spawn-bench, bench/lib-bench)
#
# Every figure is a median over BENCH_RUNS runs (default 50; container starts:
# BENCH_START_RUNS, default 100; bursts of many containers: BENCH_BURST_RUNS,
# default 10). The variants of one table are run
# round-robin by spawn-bench (bench/spawn_bench.cc), the first variant
# rotating, so drift on the machine hits all of them alike. Prints a markdown
# table and writes it to bench/results/RESULTS.md and a timestamped copy,
# with the raw samples and the callgrind profile beside it.
#
# Containers are busybox bundles made by tests/integration/lib.sh; every
# container, mount namespace and temp dir is removed on exit. crun runs in a
# private mount namespace without /sys/fs/cgroup/unified on a hybrid cgroup
# host (as in lib.sh), and so does spawn-bench for it: that set-up is not
# timed.
# shellcheck disable=SC2016  # sh -c programs and markdown backquotes are single-quoted on purpose
set -euo pipefail

BUILD=$(cd "${1:?usage: run.sh BUILD_DIR}" && pwd)
RUNS=${BENCH_RUNS:-50}
START_RUNS=${BENCH_START_RUNS:-$((2 * RUNS))}  # container starts: the noisiest figures
BURST_RUNS=${BENCH_BURST_RUNS:-10}
WARMUP=3
HERE=$(cd "$(dirname "$0")" && pwd)
RESULTS=$HERE/results
HOOK=$BUILD/oci-immutable-hook
WRAPPER=$BUILD/oci-immutable-runtime
SPAWN=$BUILD/bench/spawn-bench
LIBBENCH=$BUILD/bench/lib-bench

# shellcheck disable=SC2034  # read by lib.sh
OI_NAME=bench
# shellcheck source-path=SCRIPTDIR source=../tests/integration/lib.sh
. "$HERE/../tests/integration/lib.sh"
oi_require_root
oi_require_tool runc jq python3
for f in "$HOOK" "$WRAPPER" "$SPAWN" "$LIBBENCH"; do
  [ -x "$f" ] || { echo "bench: $f is missing (make bench builds it)" >&2; exit 1; }
done
HAVE_CRUN=false
command -v "$OI_CRUN" >/dev/null 2>&1 && HAVE_CRUN=true
HAVE_CALLGRIND=false
command -v valgrind >/dev/null 2>&1 && HAVE_CALLGRIND=true
HAVE_PERF=false
perf stat -e instructions:u true >/dev/null 2>&1 && HAVE_PERF=true
RUNC_BIN=$(command -v "$OI_RUNC")
CRUN_BIN=$(command -v "$OI_CRUN" || true)

W=$(oi_tmpdir)  # everything lives here; lib.sh removes it (and unmounts) on exit
P=oib$$         # container id prefix
HOLDERS=$W/holders
# Bundles (config.json only; the rootfs stays in $W) go on a tmpfs where there
# is one, as with containerd, CRI-O and docker, which keep them under /run.
B=$W
SHM=
if [ "$(stat -f -c %T /dev/shm 2>/dev/null)" = tmpfs ]; then
  SHM=$(mktemp -d /dev/shm/oi-bench.XXXXXX)
  B=$SHM
fi

bench_cleanup() {
  local pid id
  set +e
  if [ -f "$HOLDERS" ]; then
    while read -r pid; do kill "$pid" 2>/dev/null; done <"$HOLDERS"
    while read -r pid; do while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done; done <"$HOLDERS"
  fi
  for id in $(runc list -q 2>/dev/null | grep "^$P-"); do runc delete -f "$id" >/dev/null 2>&1; done
  if $HAVE_CRUN; then
    for id in $(oi_rt crun list -q 2>/dev/null | grep "^$P-"); do oi_rt crun delete -f "$id" >/dev/null 2>&1; done
  fi
  case $SHM in /dev/shm/oi-bench.*) rm -rf "$SHM" ;; esac
}
# shellcheck disable=SC2154  # bench_rc is set inside the trap
trap 'bench_rc=$?; bench_cleanup; (exit "$bench_rc"); oi_cleanup' EXIT

# in_rt_ns RUNTIME CMD...: CMD where that runtime works (see lib.sh's oi_rt).
in_rt_ns() {
  local rt=$1; shift
  if [ "$rt" = crun ] && mountpoint -q /sys/fs/cgroup/unified 2>/dev/null; then
    unshare --mount --propagation private sh -c 'umount /sys/fs/cgroup/unified && exec "$0" "$@"' "$@"
  else
    "$@"
  fi
}

# ---------------------------------------------------------------- results
declare -A MED P25 P75 MIN RSS CPU SAMPLES
RAW=$W/raw.tsv
# sb KEY_PREFIX [-n RUNS] [--rt RUNTIME] VARIANTS...: spawn-bench, results into MED[KEY_PREFIX/NAME].
sb() {
  local key=$1 runs=$RUNS warmup=$WARMUP rt=runc; shift
  [ "$1" = -n ] && { runs=$2; shift 2; }
  [ "$1" = -w ] && { warmup=$2; shift 2; }
  [ "$1" = --rt ] && { rt=$2; shift 2; }
  local out name n med p25 p75 min rss cpu
  echo "bench: $key ($runs runs)" >&2
  out=$(in_rt_ns "$rt" "$SPAWN" -n "$runs" -w "$warmup" --raw "$W/raw.$key" "$@")
  sed "s|^|$key/|" "$W/raw.$key" >>"$RAW"
  while IFS=$'\t' read -r name n med p25 p75 min rss cpu; do
    MED[$key/$name]=$med; P25[$key/$name]=$p25; P75[$key/$name]=$p75; RSS[$key/$name]=$rss
    MIN[$key/$name]=$min
    CPU[$key/$name]=$cpu
  done <<<"$out"
  local samples
  while IFS=$'\t' read -r name samples; do SAMPLES[$key/$name]=$samples; done <"$W/raw.$key"
}
# paired A B: what A adds to B, in µs: the median over rounds of A's sample
# minus B's of the same round. Both ran back to back in every round, so this
# is steadier than the difference of the medians when the machine is busy.
paired() {
  awk -v a="${SAMPLES[$1]}" -v b="${SAMPLES[$2]}" 'BEGIN {
    n = split(a, x, "\t"); split(b, y, "\t")
    for (i = 1; i <= n; i++) d[i] = x[i] - y[i]
    for (i = 2; i <= n; i++) { v = d[i]; for (j = i - 1; j >= 1 && d[j] > v; j--) d[j + 1] = d[j]; d[j + 1] = v }
    print (n % 2) ? d[(n + 1) / 2] : (d[n / 2] + d[n / 2 + 1]) / 2 }'
}
ms() { awk -v u="$1" 'BEGIN { printf "%.2f", u / 1000 }'; }
ms_iqr() { printf '%s [%s–%s]' "$(ms "${MED[$1]}")" "$(ms "${P25[$1]}")" "$(ms "${P75[$1]}")"; }
delta_ms() { awk -v d="$(paired "$1" "$2")" 'BEGIN { printf "%+.2f", d / 1000 }'; }
pct() { awk -v d="$(paired "$1" "$2")" -v b="${MED[$2]}" 'BEGIN { printf "%+.1f%%", 100 * d / b }'; }
# ratio of added costs: (A - BASE) / (T - BASE), each paired
cost_ratio() {
  awk -v a="$(paired "$1" "$3")" -v t="$(paired "$2" "$3")" \
    'BEGIN { if (t <= 0) print "n/a"; else printf "%.1f×", a / t }'
}
ratio() { awk -v a="${MED[$1]}" -v b="${MED[$2]}" 'BEGIN { printf "%.1f×", a / b }'; }
cpu_ratio() { awk -v a="${CPU[$1]}" -v b="${CPU[$2]}" 'BEGIN { printf "%.1f×", a / b }'; }
delta_cpu() { awk -v d="$(paired "$1:cpu" "$2:cpu")" 'BEGIN { printf "%+.2f", d / 1000 }'; }
yes_no() { if awk "BEGIN { exit !($1) }"; then echo yes; else echo "**no**"; fi; }

# ---------------------------------------------------------------- fixtures
POLICY=$W/policy.json
AUDIT=$W/audit.json
jq -n --arg log "$W/violations.log" '{mode: "enforce", log: {file: $log, syslog: false}}' >"$POLICY"
jq '.mode = "audit"' "$POLICY" >"$AUDIT"
ENV_WRAP=("OCI_IMMUTABLE_HOOK=$HOOK" "OCI_IMMUTABLE_CONFIG=$POLICY")
TOTAL=$((RUNS + WARMUP))

# Base bundles: the engines' default (unprivileged) and a privileged one,
# sharing one busybox rootfs. Variants are jq edits of their config.json.
oi_make_bundle "$W/base" -- true
oi_make_bundle "$W/priv" --privileged -- true
RFS=$W/base/rootfs
jq --arg r "$RFS" '.root.path = $r' "$W/base/config.json" >"$W/base.json"
jq --arg r "$RFS" '.root.path = $r' "$W/priv/config.json" >"$W/priv.json"
with_hook() {  # CONFIG STAGE PATH ARGS... > config with that hook
  local cfg=$1 stage=$2; shift 2
  jq --arg st "$stage" --argjson a "$(oi_json_array "$@")" '.hooks[$st] += [{path: $a[0], args: $a}]' "$cfg"
}
bundle() {  # DIR < config.json
  mkdir -p "$1"; cat >"$1/config.json"
}
bundles() {  # PREFIX CONFIG: PREFIX.0 ... PREFIX.(TOTAL-1), one per run (the wrapper rewrites them)
  local i
  for ((i = 0; i < TOTAL; i++)); do bundle "$1.$i" <"$2"; done
}
bundle "$B/nohook" <"$W/base.json"
with_hook "$W/base.json" createRuntime /bin/true | bundle "$B/truehook"
with_hook "$W/base.json" createRuntime "$HOOK" --config "$POLICY" createRuntime | bundle "$B/hook-cr"
with_hook "$W/base.json" createContainer "$HOOK" --config "$POLICY" createContainer | bundle "$B/hook-cc"

# The Kubernetes-shaped spec and the scale series.
python3 "$HERE/gen_config.py" "$W/k8s.json"
python3 "$HERE/gen_config.py" --mounts 10 "$W/m10.json"
python3 "$HERE/gen_config.py" --mounts 100 "$W/m100.json"
python3 "$HERE/gen_config.py" --mounts 1000 "$W/m1000.json"
python3 "$HERE/gen_config.py" --size $((1 << 20)) "$W/1mb.json"
SCALE=(m10 m100 m1000 1mb)

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
echo "bench: $(nproc) CPUs, runc $(runc --version | awk 'NR==1 {print $3}')$($HAVE_CRUN && crun --version | awk 'NR==1 {print ", crun " $3}'), $RUNS runs per figure" >&2

# ---------------------------------------------------------------- 1. container start to exit
RTS=(runc)
$HAVE_CRUN && RTS+=(crun)
for rt in "${RTS[@]}"; do
  bin=$RUNC_BIN; [ "$rt" = crun ] && bin=$CRUN_BIN
  TOTAL=$((START_RUNS + WARMUP)) bundles "$B/$rt-wrap" "$W/base.json"
  sb "start-$rt" -n "$START_RUNS" --rt "$rt" \
    @nohook "$bin" run --bundle "$B/nohook" "$P-$rt-n-%d" @@onfail "$bin" delete -f "$P-$rt-n-%d" \
    @truehook "$bin" run --bundle "$B/truehook" "$P-$rt-t-%d" @@onfail "$bin" delete -f "$P-$rt-t-%d" \
    @hook-cr "$bin" run --bundle "$B/hook-cr" "$P-$rt-r-%d" @@onfail "$bin" delete -f "$P-$rt-r-%d" \
    @hook-cc "$bin" run --bundle "$B/hook-cc" "$P-$rt-c-%d" @@onfail "$bin" delete -f "$P-$rt-c-%d" \
    @wrapper "OCI_IMMUTABLE_RUNTIME=$bin" "${ENV_WRAP[@]}" "$WRAPPER" run --bundle "$B/$rt-wrap.%d" "$P-$rt-w-%d" \
      @@onfail "$bin" delete -f "$P-$rt-w-%d"
done

# ---------------------------------------------------------------- 2. the hook alone
# A Kubernetes-shaped config.json; the hook enforces at createRuntime into a
# fresh mount namespace each run: a `sleep` in its own namespace with the
# rootfs bind-mounted and proc mounted in it, as a runtime leaves it.
K8S=$W/k8s
mkdir -p "$K8S"
cp "$W/k8s.json" "$K8S/config.json"
oi_make_rootfs "$K8S/rootfs"
ANN=$(jq -c '.annotations' "$K8S/config.json")
start_holder() {  # I: a mount namespace for run I; its state goes to $W/state.I.json
  local i=$1 pid
  unshare --mount --propagation private sh -c \
    'mount --bind "$1" "$1" && mount -t proc proc "$1/proc" && : >"$2" && exec sleep 900' \
    sh "$K8S/rootfs" "$W/ns.$i.ready" </dev/null >/dev/null 2>&1 &
  pid=$!
  echo "$pid" >>"$HOLDERS"
  jq -n --arg id "$P-k8s-$i" --argjson pid "$pid" --arg b "$K8S" --argjson ann "$ANN" \
    '{ociVersion: "1.0.2", id: $id, status: "creating", pid: $pid, bundle: $b, annotations: $ann}' \
    >"$W/state.$i.json"
}
wait_holders() {
  local i t
  for ((i = $1; i < $2; i++)); do
    for ((t = 0; t < 200; t++)); do [ -e "$W/ns.$i.ready" ] && break; sleep 0.02; done
    [ -e "$W/ns.$i.ready" ] || { echo "bench: namespace holder $i did not start" >&2; exit 1; }
  done
}
stop_holders() {
  local pid
  while read -r pid; do kill "$pid" 2>/dev/null || true; done <"$HOLDERS"
  while read -r pid; do while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done; done <"$HOLDERS"
  : >"$HOLDERS"
}
for ((i = 0; i < TOTAL + 2; i++)); do start_holder "$i"; done
wait_holders 0 $((TOTAL + 2))
sb hook \
  @true "<$W/state.%d.json" /bin/true \
  @startup "$HOOK" --version \
  @audit "<$W/state.%d.json" "$HOOK" --config "$AUDIT" createRuntime \
  @enforce "<$W/state.%d.json" "$HOOK" --config "$POLICY" createRuntime
# Peak RSS (/usr/bin/time -v) of one enforcing run, on a namespace no timed
# run used. Instructions: callgrind (deterministic) for the runs it can
# follow; valgrind 3.19 lacks openat2, which enforcing needs, so that run is
# counted by perf (user and kernel).
if [ -x /usr/bin/time ]; then
  /usr/bin/time -v "$HOOK" --config "$POLICY" createRuntime <"$W/state.$TOTAL.json" 2>"$W/time.txt" >/dev/null
  PEAK_RSS_KB=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$W/time.txt")
else
  PEAK_RSS_KB=${RSS[hook/enforce]}
fi
declare -A INSN
callgrind() {  # KEY STDIN ARGS...: instructions of one hook run
  local key=$1 in=$2; shift 2
  valgrind --tool=callgrind --callgrind-out-file="$W/cg.$key" "$HOOK" "$@" <"$in" >/dev/null 2>"$W/cg.$key.log" || {
    cat "$W/cg.$key.log" >&2; return 1; }
  INSN[$key]=$(awk '/Collected :/ { print $NF }' "$W/cg.$key.log")
}
# inclusive instructions of the first function matching REGEX in KEY's profile
cg_incl() {
  callgrind_annotate --inclusive=yes --threshold=100 "$W/cg.$1" 2>/dev/null |
    awk -v re="$2" '!found && $0 ~ re { gsub(",", "", $1); print $1; found = 1 }'
}
thousands() { echo "$1" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta'; }
if $HAVE_CALLGRIND; then
  callgrind audit "$W/state.0.json" --config "$AUDIT" createRuntime
  callgrind startup /dev/null --version
  CG_LOADER=$(cg_incl audit 'rtld[.]c:_dl_start ')
  CG_INIT=$(cg_incl audit ':_dl_init ')
  CG_MAIN=$(cg_incl audit '[:?]main [[]')
  {
    echo "# callgrind: oci-immutable-hook --config AUDIT_POLICY createRuntime, Kubernetes-shaped spec"
    echo "# ${INSN[audit]} instructions; --version alone: ${INSN[startup]}"
    echo
    echo "## inclusive, top 50"
    callgrind_annotate --inclusive=yes "$W/cg.audit" 2>/dev/null | sed -n '/^Ir/,$p' | sed -n 3,55p
    echo
    echo "## self, top 30"
    callgrind_annotate "$W/cg.audit" 2>/dev/null | sed -n '/^Ir/,$p' | sed -n 3,35p
  } >"$W/callgrind-hook.txt"
fi
if $HAVE_PERF; then
  perf stat -x, -o "$W/perf.txt" -e instructions:u,instructions:k \
    "$HOOK" --config "$POLICY" createRuntime <"$W/state.$((TOTAL + 1)).json" >/dev/null
  INSN[enforce]=$(awk -F, '$3 ~ /^instructions:u/ { print $1 }' "$W/perf.txt")
  KINSN_ENFORCE=$(awk -F, '$3 ~ /^instructions:k/ { print $1 }' "$W/perf.txt")
fi
stop_holders

# ---------------------------------------------------------------- 3. the wrapper
# create: identical bundles, one per run, each deleted after (untimed); on the
# tmpfs, and (unprivileged) on the disk file system of $W as podman keeps them.
bundles "$B/cu-r" "$W/base.json"; bundles "$B/cu-w" "$W/base.json"
bundles "$B/cp-r" "$W/priv.json"; bundles "$B/cp-w" "$W/priv.json"
bundles "$W/cd-r" "$W/base.json"; bundles "$W/cd-w" "$W/base.json"
WR=("OCI_IMMUTABLE_RUNTIME=$RUNC_BIN" "${ENV_WRAP[@]}")
sb create \
  @runc "$RUNC_BIN" create --bundle "$B/cu-r.%d" "$P-cur-%d" @@post "$RUNC_BIN" delete -f "$P-cur-%d" \
  @wrapper "${WR[@]}" "$WRAPPER" create --bundle "$B/cu-w.%d" "$P-cuw-%d" @@post "$RUNC_BIN" delete -f "$P-cuw-%d" \
  @runc-priv "$RUNC_BIN" create --bundle "$B/cp-r.%d" "$P-cpr-%d" @@post "$RUNC_BIN" delete -f "$P-cpr-%d" \
  @wrapper-priv "${WR[@]}" "$WRAPPER" create --bundle "$B/cp-w.%d" "$P-cpw-%d" @@post "$RUNC_BIN" delete -f "$P-cpw-%d" \
  @runc-disk "$RUNC_BIN" create --bundle "$W/cd-r.%d" "$P-cdr-%d" @@post "$RUNC_BIN" delete -f "$P-cdr-%d" \
  @wrapper-disk "${WR[@]}" "$WRAPPER" create --bundle "$W/cd-w.%d" "$P-cdw-%d" @@post "$RUNC_BIN" delete -f "$P-cdw-%d"
# A pass-through command on one created container.
runc create --bundle "$B/nohook" "$P-state" </dev/null >/dev/null 2>&1
sb state \
  @runc "$RUNC_BIN" state "$P-state" \
  @wrapper "${WR[@]}" "$WRAPPER" state "$P-state"
runc delete -f "$P-state" >/dev/null 2>&1
# The wrapper alone: a no-op runtime (/bin/true), the rewrite of each spec
# (read, parse, rewrite, write a temporary file, rename) and the exec.
WT=("OCI_IMMUTABLE_RUNTIME=/bin/true" "${ENV_WRAP[@]}")
wargs=()
for c in k8s "${SCALE[@]}"; do
  bundles "$B/wa-$c" "$W/$c.json"
  wargs+=("@$c" "${WT[@]}" "$WRAPPER" create --bundle "$B/wa-$c.%d" "$P-wa-%d")
done
for c in base priv; do
  bundles "$B/wa-$c" "$W/$c.json"
  wargs+=("@$c" "${WT[@]}" "$WRAPPER" create --bundle "$B/wa-$c.%d" "$P-wa-%d")
done
bundles "$W/wa-disk" "$W/k8s.json"
wargs+=("@k8s-disk" "${WT[@]}" "$WRAPPER" create --bundle "$W/wa-disk.%d" "$P-wa-%d")
sb wrapalone @true /bin/true create --bundle "$B/wa-k8s.0" x \
  @state "${WT[@]}" "$WRAPPER" state x "${wargs[@]}"

# ---------------------------------------------------------------- 4. scale
# In process (lib-bench): parse, the hook's parse + plan, the wrapper's rewrite.
SCALE_FILES=()
for c in "${SCALE[@]}"; do SCALE_FILES+=("$W/$c.json"); done
declare -A LB_BYTES LB_MOUNTS LB_PARSE LB_HOOK LB_REWRITE LB_RSPEC LB_COMPILE LB_WRITE
while IFS=$'\t' read -r file bytes mounts parse hook rewrite rspec compile write; do
  c=$(basename "$file" .json)
  LB_BYTES[$c]=$bytes; LB_MOUNTS[$c]=$mounts; LB_PARSE[$c]=$parse; LB_HOOK[$c]=$hook; LB_REWRITE[$c]=$rewrite
  LB_RSPEC[$c]=$rspec; LB_COMPILE[$c]=$compile; LB_WRITE[$c]=$write
done < <("$LIBBENCH" -n "$RUNS" "$W/k8s.json" "${SCALE_FILES[@]}")
# The hook process in audit mode (parse + plan + log, no namespace) per spec.
hargs=()
for c in k8s "${SCALE[@]}"; do
  mkdir -p "$W/h-$c"
  cp "$W/$c.json" "$W/h-$c/config.json"
  jq -n --arg b "$W/h-$c" '{ociVersion: "1.0.2", id: "scale", status: "creating", pid: 1, bundle: $b}' >"$W/h-$c.state"
  hargs+=("@$c" "<$W/h-$c.state" "$HOOK" --config "$AUDIT" createRuntime)
done
sb hookscale "${hargs[@]}"

# ---------------------------------------------------------------- 5. many containers at once
BURSTS=(1 16 64)
for rt in "${RTS[@]}"; do
  bin=$RUNC_BIN; [ "$rt" = crun ] && bin=$CRUN_BIN
  bargs=()
  for n in "${BURSTS[@]}"; do
    bargs+=("@nohook-$n" "$HERE/burst.sh" "$n" "$P-$rt-bn$n-%d" "$bin" run --bundle "$B/nohook"
            @@onfail "$HERE/burst.sh" "$n" "$P-$rt-bn$n-%d" "$bin" delete -f
            "@hook-$n" "$HERE/burst.sh" "$n" "$P-$rt-bh$n-%d" "$bin" run --bundle "$B/hook-cr"
            @@onfail "$HERE/burst.sh" "$n" "$P-$rt-bh$n-%d" "$bin" delete -f)
  done
  sb "burst-$rt" -n "$BURST_RUNS" -w 1 --rt "$rt" "${bargs[@]}"
done

# ---------------------------------------------------------------- report
report() {
  local rt
  echo "## oci-immutable benchmarks"
  echo
  echo "$(date -u +%Y-%m-%dT%H:%MZ), $(uname -r), $(nproc) CPUs ($(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)),"
  echo "runc $(runc --version | awk 'NR==1 {print $3}')$($HAVE_CRUN && crun --version | awk 'NR==1 {print ", crun " $3}'), build \`$(basename "$BUILD")\` ($(meson introspect --buildoptions "$BUILD" 2>/dev/null | jq -r '.[] | select(.name == "buildtype") | .value' || echo '?')). Medians of $RUNS runs"
  echo "(container starts: $START_RUNS, bursts: $BURST_RUNS), variants interleaved round-robin; [p25–p75] where shown. \`make bench\` regenerates this file."
  echo "Load average at the start $LOAD_START, at the end $(cut -d' ' -f1-3 /proc/loadavg): on a busy machine wall times"
  echo "scatter; CPU times (user + system of the process and what it waited for, from wait4) much less."
  echo
  echo "### Container start to exit: busybox \`true\` (ms)"
  echo
  echo "\`run\` of an unprivileged bundle, until the runtime exits."
  echo "\"added\": the median over rounds of (variant − no hook) within the same round; hook cost"
  echo "÷ \`/bin/true\` cost: that, divided by the same for the \`/bin/true\` hook."
  echo
  local v label rt
  printf '| variant |'
  for rt in "${RTS[@]}"; do printf ' %s | added | added CPU |' "$rt"; done
  for rt in "${RTS[@]}"; do printf ' cost ÷ `/bin/true` cost (%s) |' "$rt"; done
  echo
  printf '|---|'
  for rt in "${RTS[@]}"; do printf -- '---:|---:|---:|---:|'; done
  echo
  for v in nohook truehook hook-cr hook-cc wrapper; do
    case $v in
      nohook) label="no hook" ;;
      truehook) label="\`/bin/true\` hook (createRuntime)" ;;
      hook-cr) label="oci-immutable-hook at createRuntime" ;;
      hook-cc) label="oci-immutable-hook at createContainer" ;;
      wrapper) label="oci-immutable-runtime (rewrite + hook at createContainer)" ;;
    esac
    printf '| %s |' "$label"
    for rt in "${RTS[@]}"; do
      if [ "$v" = nohook ]; then printf ' %s | | (%s CPU) |' "$(ms_iqr "start-$rt/$v")" "$(ms "${CPU[start-$rt/$v]}")"
      else printf ' %s | %s (%s) | %s |' "$(ms_iqr "start-$rt/$v")" "$(delta_ms "start-$rt/$v" "start-$rt/nohook")" \
        "$(pct "start-$rt/$v" "start-$rt/nohook")" "$(delta_cpu "start-$rt/$v" "start-$rt/nohook")"; fi
    done
    for rt in "${RTS[@]}"; do
      case $v in nohook | truehook) printf ' |' ;;
        *) printf ' %s |' "$(cost_ratio "start-$rt/$v" "start-$rt/truehook" "start-$rt/nohook")" ;; esac
    done
    echo
  done
  echo
  echo "### The hook alone (Kubernetes-shaped config.json, $(wc -c <"$W/k8s.json") bytes)"
  echo
  echo "30 mounts, CRI annotations, every capability in every set, the RuntimeDefault seccomp"
  echo "profile (\`bench/gen_config.py\`). The process is timed from spawn to exit; \`enforce\`"
  echo "joins a fresh mount namespace each run (a process with the rootfs bind-mounted and proc"
  echo "mounted in it), makes the rootfs read-only, mounts 4 tmpfs and binds 5 kernel paths"
  echo "read-only, verifies the mount table and logs."
  echo
  echo "| run | wall (ms) | ÷ \`/bin/true\` | CPU (ms) | ÷ \`/bin/true\` | instructions | peak RSS |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  local k
  for k in true startup audit enforce; do
    case $k in
      true) label="\`/bin/true\` (same stdin)" ;;
      startup) label="oci-immutable-hook --version (start-up only)" ;;
      audit) label="oci-immutable-hook, audit mode (parse, plan, log)" ;;
      enforce) label="oci-immutable-hook, enforce at createRuntime" ;;
    esac
    local rss_kb=${RSS[hook/$k]}
    [ "$k" = enforce ] && rss_kb=$PEAK_RSS_KB
    printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$label" "$(ms_iqr "hook/$k")" "$(ratio "hook/$k" hook/true)" \
      "$(ms "${CPU[hook/$k]}")" "$(cpu_ratio "hook/$k" hook/true)" \
      "$( [ -n "${INSN[$k]:-}" ] && thousands "${INSN[$k]}" || echo -)" \
      "$(awk -v k="$rss_kb" 'BEGIN { printf "%.1f MiB", k / 1024 }')"
  done
  echo
  echo "Instructions are user-space: callgrind, except the enforcing run (perf; valgrind 3.19"
  echo "cannot follow openat2)$( [ -n "${KINSN_ENFORCE:-}" ] && echo ", which also spent $(thousands "$KINSN_ENFORCE") in the kernel")."
  if [ -n "${INSN[audit]:-}" ]; then
    awk -v t="${INSN[audit]}" -v l="${CG_LOADER:-0}" -v i="${CG_INIT:-0}" -v m="${CG_MAIN:-0}" 'BEGIN {
      printf "Where the audit run'"'"'s instructions go (callgrind, inclusive): dynamic loader %.0f%%, " \
        "library constructors %.0f%%, main() %.0f%%. Profile: [callgrind-hook.txt](callgrind-hook.txt).\n",
        100 * l / t, 100 * i / t, 100 * m / t }'
  fi
  echo
  echo "### The wrapper (runc; ms)"
  echo
  echo "Bundles (config.json) on $( [ -n "$SHM" ] && echo "a tmpfs, as under containerd, CRI-O and docker (/run)" || echo "the disk file system of \$TMPDIR"), unless marked."
  echo "The unprivileged bundle gets a read-only root, read-only paths and the hook; the"
  echo "privileged one (busybox, no seccomp profile of its own) also the deny rules."
  echo
  echo "\"added\" is paired per round, as above. Through runc, \`create\` also runs the injected"
  echo "hook (createContainer) and applies the rewritten spec (read-only root, for the privileged"
  echo "bundle a seccomp filter); the no-op runtime rows are the wrapper's own time. CPU of"
  echo "\`create\` leaves out \`runc init\` (which runs the createContainer hook and loads the filter):"
  echo "the engine, not \`create\`, reaps it."
  echo
  echo "| command | runc directly | through oci-immutable-runtime | added | added CPU |"
  echo "|---|---:|---:|---:|---:|"
  printf '| `create`, unprivileged bundle (then `delete`, untimed) | %s | %s | %s | %s |\n' \
    "$(ms_iqr create/runc)" "$(ms_iqr create/wrapper)" "$(delta_ms create/wrapper create/runc)" "$(delta_cpu create/wrapper create/runc)"
  printf '| `create`, privileged bundle (deny rules merged and compiled) | %s | %s | %s | %s |\n' \
    "$(ms_iqr create/runc-priv)" "$(ms_iqr create/wrapper-priv)" "$(delta_ms create/wrapper-priv create/runc-priv)" "$(delta_cpu create/wrapper-priv create/runc-priv)"
  printf '| `create`, unprivileged bundle on a disk file system (%s) | %s | %s | %s | %s |\n' "$(stat -f -c %T "$W")" \
    "$(ms_iqr create/runc-disk)" "$(ms_iqr create/wrapper-disk)" "$(delta_ms create/wrapper-disk create/runc-disk)" "$(delta_cpu create/wrapper-disk create/runc-disk)"
  printf '| `state` (pass-through) | %s | %s | %s | %s |\n' \
    "$(ms_iqr state/runc)" "$(ms_iqr state/wrapper)" "$(delta_ms state/wrapper state/runc)" "$(delta_cpu state/wrapper state/runc)"
  printf '| wrapper alone, no-op runtime: `state` | %s | %s | %s | %s |\n' \
    "$(ms_iqr wrapalone/true)" "$(ms_iqr wrapalone/state)" "$(delta_ms wrapalone/state wrapalone/true)" "$(delta_cpu wrapalone/state wrapalone/true)"
  printf '| wrapper alone, no-op runtime: `create`, the unprivileged bundle | %s | %s | %s | %s |\n' \
    "$(ms_iqr wrapalone/true)" "$(ms_iqr wrapalone/base)" "$(delta_ms wrapalone/base wrapalone/true)" "$(delta_cpu wrapalone/base wrapalone/true)"
  printf '| wrapper alone, no-op runtime: `create`, the privileged bundle | %s | %s | %s | %s |\n' \
    "$(ms_iqr wrapalone/true)" "$(ms_iqr wrapalone/priv)" "$(delta_ms wrapalone/priv wrapalone/true)" "$(delta_cpu wrapalone/priv wrapalone/true)"
  printf '| wrapper alone, no-op runtime: `create`, Kubernetes-shaped spec (privileged, RuntimeDefault profile) | %s | %s | %s | %s |\n' \
    "$(ms_iqr wrapalone/true)" "$(ms_iqr wrapalone/k8s)" "$(delta_ms wrapalone/k8s wrapalone/true)" "$(delta_cpu wrapalone/k8s wrapalone/true)"
  printf '| the same, bundle on a disk file system | %s | %s | %s | %s |\n' \
    "$(ms_iqr wrapalone/true)" "$(ms_iqr wrapalone/k8s-disk)" "$(delta_ms wrapalone/k8s-disk wrapalone/true)" "$(delta_cpu wrapalone/k8s-disk wrapalone/true)"
  echo
  echo "### Scale (ms)"
  echo
  echo "Kubernetes-shaped specs with more volumes, and one padded to 1 MiB with a large"
  echo "annotation (kubectl's last-applied-configuration). In process (\`bench/lib_bench.cc\`):"
  echo "JSON parse; the hook's parse + plan; the wrapper's parse + rewrite + serialise, and of"
  echo "that the rewrite (\`RewriteSpec\`), the libseccomp compile of the spec's profile inside it"
  echo "(every spec here is privileged with the RuntimeDefault profile) and the serialisation."
  echo "As processes: the hook in audit mode; the wrapper's \`create\` with a no-op runtime"
  echo "(includes reading and atomically replacing config.json, and the exec)."
  echo
  echo "| spec | bytes | mounts | parse | hook parse + plan | wrapper rewrite | of which RewriteSpec | of which seccomp compile | of which serialise | hook process (audit) | wrapper process (create) |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  local c
  for c in k8s "${SCALE[@]}"; do
    printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$c" "${LB_BYTES[$c]}" "${LB_MOUNTS[$c]}" \
      "$(ms "${LB_PARSE[$c]}")" "$(ms "${LB_HOOK[$c]}")" "$(ms "${LB_REWRITE[$c]}")" \
      "$(ms "${LB_RSPEC[$c]}")" "$(ms "${LB_COMPILE[$c]}")" "$(ms "${LB_WRITE[$c]}")" \
      "$(ms "${MED[hookscale/$c]}")" "$(ms "${MED[wrapalone/$c]}")"
  done
  echo
  echo "### Many containers at once (wall time until all have exited; ms)"
  echo
  printf '| containers |'
  for rt in "${RTS[@]}"; do printf ' %s, no hook | %s, hook at createRuntime | added |' "$rt" "$rt"; done
  echo
  printf '|---:|'
  for rt in "${RTS[@]}"; do printf -- '---:|---:|---:|'; done
  echo
  local n
  for n in "${BURSTS[@]}"; do
    printf '| %s |' "$n"
    for rt in "${RTS[@]}"; do
      printf ' %s | %s | %s (%s) |' "$(ms_iqr "burst-$rt/nohook-$n")" "$(ms_iqr "burst-$rt/hook-$n")" \
        "$(delta_ms "burst-$rt/hook-$n" "burst-$rt/nohook-$n")" "$(pct "burst-$rt/hook-$n" "burst-$rt/nohook-$n")"
    done
    echo
  done
  echo
  echo "### Targets"
  echo
  echo "Where a figure comes from a container start, the verdict is taken on CPU time: the hook"
  echo "runs synchronously in the start path, so on an idle machine the time it adds is its CPU"
  echo "time, and CPU time is not inflated by other work. \"Idle estimate\": CPU time added ÷ the"
  echo "fastest start without a hook. The wall figures are shown beside them."
  echo
  echo "| target | measured | met |"
  echo "|---|---|---|"
  local hook_ms true_ratio
  hook_ms=$(ms "${MED[hook/enforce]}")
  printf '| hook ≤ 1 ms (alone, enforce) | %s ms | %s |\n' "$hook_ms" "$(yes_no "${MED[hook/enforce]} <= 1000")"
  true_ratio=$(awk -v a="${MED[hook/enforce]}" -v b="${MED[hook/true]}" 'BEGIN { printf "%.2f", a / b }')
  printf '| hook ≤ 2× `/bin/true` (alone, enforce) | %s× wall, %s CPU | %s |\n' "$true_ratio" \
    "$(cpu_ratio hook/enforce hook/true)" "$(yes_no "$true_ratio <= 2")"
  for rt in "${RTS[@]}"; do
    local r
    local st stage cpu_r wall_r idle wall_pct
    for st in cr cc; do
      stage=$( [ $st = cr ] && echo createRuntime || echo createContainer)
      wall_r=$(awk -v a="$(paired "start-$rt/hook-$st" "start-$rt/nohook")" -v t="$(paired "start-$rt/truehook" "start-$rt/nohook")" \
        'BEGIN { if (t <= 0) print "n/a"; else printf "%.2f", a / t }')
      cpu_r=$(awk -v a="$(paired "start-$rt/hook-$st:cpu" "start-$rt/nohook:cpu")" -v t="$(paired "start-$rt/truehook:cpu" "start-$rt/nohook:cpu")" \
        'BEGIN { if (t <= 0) print "n/a"; else printf "%.2f", a / t }')
      printf '| hook cost ≤ 2× `/bin/true` hook cost in a container (%s, %s) | CPU %s× (%s ms vs %s ms); wall %s× (%s ms vs %s ms) | %s |\n' \
        "$rt" "$stage" "$cpu_r" "$(delta_cpu "start-$rt/hook-$st" "start-$rt/nohook")" "$(delta_cpu "start-$rt/truehook" "start-$rt/nohook")" \
        "$wall_r" "$(delta_ms "start-$rt/hook-$st" "start-$rt/nohook")" "$(delta_ms "start-$rt/truehook" "start-$rt/nohook")" \
        "$(if [ "$cpu_r" = n/a ]; then echo n/a; else yes_no "$cpu_r <= 2"; fi)"
    done
    for st in cr cc; do
      stage=$( [ $st = cr ] && echo createRuntime || echo createContainer)
      idle=$(awk -v d="$(paired "start-$rt/hook-$st:cpu" "start-$rt/nohook:cpu")" -v b="${MIN[start-$rt/nohook]}" 'BEGIN { printf "%.1f", 100 * d / b }')
      wall_pct=$(awk -v d="$(paired "start-$rt/hook-$st" "start-$rt/nohook")" -v b="${MED[start-$rt/nohook]}" 'BEGIN { printf "%.1f", 100 * d / b }')
      printf '| container start ≤ +5%% over no hook (%s, %s) | idle estimate %s%%; wall %s%% | %s |\n' "$rt" "$stage" \
        "$idle" "$wall_pct" "$(yes_no "$idle <= 5")"
    done
  done
  local d
  local w
  for w in base priv k8s; do
    d=$(delta_ms "wrapalone/$w" wrapalone/true)
    printf '| wrapper ≤ 2 ms on `create`, its own time (no-op runtime; %s) | %s ms | %s |\n' \
      "$(case $w in base) echo "unprivileged busybox" ;; priv) echo "privileged busybox" ;; k8s) echo "Kubernetes-shaped, privileged, RuntimeDefault profile" ;; esac)" \
      "$d" "$(yes_no "$d <= 2")"
  done
  printf '| (end to end) `create` through runc, unprivileged, with the injected hook | wall %s ms | (see the wrapper table) |\n' \
    "$(delta_ms create/wrapper create/runc)"
  printf '| (end to end) `create` through runc, privileged, with the hook and the seccomp filter | wall %s ms | (see the wrapper table) |\n' \
    "$(delta_ms create/wrapper-priv create/runc-priv)"
  d=$(delta_ms wrapalone/state wrapalone/true)
  printf '| wrapper ≤ 0.5 ms added on a pass-through (no-op runtime) | %s ms | %s |\n' "$d" "$(yes_no "$d <= 0.5")"
  d=$(delta_ms state/wrapper state/runc)
  printf '| wrapper ≤ 0.5 ms added on a pass-through (`runc state`) | %s ms | %s |\n' "$d" "$(yes_no "$d <= 0.5")"
  d=$(ms "${LB_HOOK[m1000]}")
  local per100 per1000
  per100=$(awk -v a="${LB_HOOK[m100]}" -v b="${LB_HOOK[m10]}" 'BEGIN { printf "%.2f", (a - b) / 90 }')
  per1000=$(awk -v a="${LB_HOOK[m1000]}" -v b="${LB_HOOK[m100]}" 'BEGIN { printf "%.2f", (a - b) / 900 }')
  printf '| hook parse + plan linear in mounts, ≤ 5 ms at 1000 | %s ms; %s µs/mount (10→100), %s µs/mount (100→1000) | %s |\n' \
    "$d" "$per100" "$per1000" "$(yes_no "${LB_HOOK[m1000]} <= 5000")"
  per1000=$(awk -v a="${LB_REWRITE[m1000]}" -v b="${LB_REWRITE[m100]}" 'BEGIN { printf "%.2f", (a - b) / 900 }')
  printf '| wrapper rewrite linear in mounts, ≤ 5 ms at 1000 (in process) | %s ms; %s µs/mount (100→1000) | %s |\n' \
    "$(ms "${LB_REWRITE[m1000]}")" "$per1000" "$(yes_no "${LB_REWRITE[m1000]} <= 5000")"
  d=$(ms "${MED[hookscale/m1000]}")
  printf '| hook process ≤ 5 ms at 1000 mounts (audit) | %s ms | %s |\n' "$d" "$(yes_no "${MED[hookscale/m1000]} <= 5000")"
  printf '| hook peak RSS ≤ 4 MiB | %s | %s |\n' "$(awk -v k="$PEAK_RSS_KB" 'BEGIN { printf "%.1f MiB", k / 1024 }')" \
    "$(yes_no "$PEAK_RSS_KB <= 4096")"
}

mkdir -p "$RESULTS"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
report >"$W/RESULTS.md"
cp "$W/RESULTS.md" "$RESULTS/RESULTS.md"
cp "$W/RESULTS.md" "$RESULTS/RESULTS-$stamp.md"
cp "$RAW" "$RESULTS/raw-$stamp.tsv"
[ -f "$W/callgrind-hook.txt" ] && cp "$W/callgrind-hook.txt" "$RESULTS/callgrind-hook.txt"
cat "$W/RESULTS.md"
echo
echo "bench: wrote $RESULTS/RESULTS.md (and RESULTS-$stamp.md, raw-$stamp.tsv)" >&2
