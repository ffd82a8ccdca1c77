#!/usr/bin/env python3
"""Writes a Kubernetes-shaped OCI config.json for the benchmarks.

What containerd's CRI plugin writes for a pod container: the standard kernel
mounts, the kubelet's /etc/hosts, /etc/hostname, /etc/resolv.conf,
termination log and service-account token, then volumes up to --mounts; the
CRI annotations; every capability in every set (a privileged container); the
RuntimeDefault seccomp profile; resources, masked and read-only paths.
--size pads an annotation (as kubectl's last-applied-configuration does) until
the file is at least that many bytes.
"""
import argparse
import json

CAPS = [
    "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
    "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW",
    "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT",
    "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
    "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE",
    "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ",
    "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
]

# containerd's RuntimeDefault allow list (abridged only in order).
SYSCALLS = """accept accept4 access adjtimex alarm bind brk capget capset chdir chmod chown
chown32 clock_adjtime clock_adjtime64 clock_getres clock_getres_time64 clock_gettime
clock_gettime64 clock_nanosleep clock_nanosleep_time64 close close_range connect copy_file_range
creat dup dup2 dup3 epoll_create epoll_create1 epoll_ctl epoll_ctl_old epoll_pwait epoll_pwait2
epoll_wait epoll_wait_old eventfd eventfd2 execve execveat exit exit_group faccessat faccessat2
fadvise64 fadvise64_64 fallocate fanotify_mark fchdir fchmod fchmodat fchown fchown32 fchownat
fcntl fcntl64 fdatasync fgetxattr flistxattr flock fork fremovexattr fsetxattr fstat fstat64
fstatat64 fstatfs fstatfs64 fsync ftruncate ftruncate64 futex futex_time64 futex_waitv
futimesat getcpu getcwd getdents getdents64 getegid getegid32 geteuid geteuid32 getgid getgid32
getgroups getgroups32 getitimer getpeername getpgid getpgrp getpid getppid getpriority getrandom
getresgid getresgid32 getresuid getresuid32 getrlimit get_robust_list getrusage getsid
getsockname getsockopt get_thread_area gettid gettimeofday getuid getuid32 getxattr
inotify_add_watch inotify_init inotify_init1 inotify_rm_watch io_cancel ioctl io_destroy
io_getevents io_pgetevents io_pgetevents_time64 ioprio_get ioprio_set io_setup io_submit
io_uring_enter io_uring_register io_uring_setup ipc kill landlock_add_rule
landlock_create_ruleset landlock_restrict_self lchown lchown32 lgetxattr link linkat listen
listxattr llistxattr _llseek lremovexattr lseek lsetxattr lstat lstat64 madvise membarrier
memfd_create memfd_secret mincore mkdir mkdirat mknod mknodat mlock mlock2 mlockall mmap mmap2
mprotect mq_getsetattr mq_notify mq_open mq_timedreceive mq_timedreceive_time64 mq_timedsend
mq_timedsend_time64 mq_unlink mremap msgctl msgget msgrcv msgsnd msync munlock munlockall munmap
nanosleep newfstatat _newselect open openat openat2 pause pidfd_open pidfd_send_signal pipe
pipe2 pkey_alloc pkey_free pkey_mprotect poll ppoll ppoll_time64 prctl pread64 preadv preadv2
prlimit64 process_mrelease pselect6 pselect6_time64 pwrite64 pwritev pwritev2 read readahead
readlink readlinkat readv recv recvfrom recvmmsg recvmmsg_time64 recvmsg remap_file_pages
removexattr rename renameat renameat2 restart_syscall rmdir rseq rt_sigaction rt_sigpending
rt_sigprocmask rt_sigqueueinfo rt_sigreturn rt_sigsuspend rt_sigtimedwait rt_sigtimedwait_time64
rt_tgsigqueueinfo sched_getaffinity sched_getattr sched_getparam sched_get_priority_max
sched_get_priority_min sched_getscheduler sched_rr_get_interval sched_rr_get_interval_time64
sched_setaffinity sched_setattr sched_setparam sched_setscheduler sched_yield seccomp select
semctl semget semop semtimedop semtimedop_time64 send sendfile sendfile64 sendmmsg sendmsg
sendto setfsgid setfsgid32 setfsuid setfsuid32 setgid setgid32 setgroups setgroups32 setitimer
setpgid setpriority setregid setregid32 setresgid setresgid32 setresuid setresuid32 setreuid
setreuid32 setrlimit set_robust_list setsid setsockopt set_thread_area set_tid_address setuid
setuid32 setxattr shmat shmctl shmdt shmget shutdown sigaltstack signalfd signalfd4 sigprocmask
sigreturn socketcall socketpair splice stat stat64 statfs statfs64 statx symlink symlinkat sync
sync_file_range syncfs sysinfo tee tgkill time timer_create timer_delete timer_getoverrun
timer_gettime timer_gettime64 timer_settime timer_settime64 timerfd_create timerfd_gettime
timerfd_gettime64 timerfd_settime timerfd_settime64 times tkill truncate truncate64 ugetrlimit
umask uname unlink unlinkat utime utimensat utimensat_time64 utimes vfork vmsplice wait4 waitid
waitpid write writev""".split()


def seccomp():
    return {
        "defaultAction": "SCMP_ACT_ERRNO",
        "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
        "syscalls": [
            {"names": SYSCALLS, "action": "SCMP_ACT_ALLOW"},
            {"names": ["personality"], "action": "SCMP_ACT_ALLOW",
             "args": [{"index": 0, "value": 0, "op": "SCMP_CMP_EQ"}]},
            {"names": ["personality"], "action": "SCMP_ACT_ALLOW",
             "args": [{"index": 0, "value": 8, "op": "SCMP_CMP_EQ"}]},
            {"names": ["personality"], "action": "SCMP_ACT_ALLOW",
             "args": [{"index": 0, "value": 4294967295, "op": "SCMP_CMP_EQ"}]},
            {"names": ["arch_prctl"], "action": "SCMP_ACT_ALLOW"},
            {"names": ["modify_ldt"], "action": "SCMP_ACT_ALLOW"},
            {"names": ["clone"], "action": "SCMP_ACT_ALLOW",
             "args": [{"index": 0, "value": 2114060288, "op": "SCMP_CMP_MASKED_EQ"}]},
            {"names": ["clone3"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38},
        ],
    }


def mounts(n, pod_uid):
    kubelet = f"/var/lib/kubelet/pods/{pod_uid}"
    sandbox = "/var/lib/containerd/io.containerd.grpc.v1.cri/sandboxes/" + "5" * 64
    base = [
        {"destination": "/proc", "type": "proc", "source": "proc",
         "options": ["nosuid", "noexec", "nodev"]},
        {"destination": "/dev", "type": "tmpfs", "source": "tmpfs",
         "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
        {"destination": "/dev/pts", "type": "devpts", "source": "devpts",
         "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]},
        {"destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue",
         "options": ["nosuid", "noexec", "nodev"]},
        {"destination": "/sys", "type": "sysfs", "source": "sysfs",
         "options": ["nosuid", "noexec", "nodev", "ro"]},
        {"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup",
         "options": ["nosuid", "noexec", "nodev", "relatime", "ro"]},
        {"destination": "/etc/hosts", "type": "bind", "source": f"{kubelet}/etc-hosts",
         "options": ["rbind", "rprivate", "rw"]},
        {"destination": "/dev/termination-log", "type": "bind",
         "source": f"{kubelet}/containers/app/0a1b2c3d", "options": ["rbind", "rprivate", "rw"]},
        {"destination": "/etc/hostname", "type": "bind", "source": f"{sandbox}/hostname",
         "options": ["rbind", "rprivate", "rw"]},
        {"destination": "/etc/resolv.conf", "type": "bind", "source": f"{sandbox}/resolv.conf",
         "options": ["rbind", "rprivate", "rw"]},
        {"destination": "/dev/shm", "type": "bind", "source": f"{sandbox}/shm",
         "options": ["rbind", "rprivate", "rw"]},
        {"destination": "/var/run/secrets/kubernetes.io/serviceaccount", "type": "bind",
         "source": f"{kubelet}/volumes/kubernetes.io~projected/kube-api-access-x7k2p",
         "options": ["rbind", "rprivate", "ro"]},
    ]
    out = base[:n]
    i = 0
    while len(out) < n:
        out.append({"destination": f"/data/volume-{i:04d}", "type": "bind",
                    "source": f"{kubelet}/volumes/kubernetes.io~csi/pvc-{i:08x}-4f2a-9c1e/mount",
                    "options": ["rbind", "rprivate", "rw"]})
        i += 1
    return out


def config(n_mounts, pad_to):
    pod_uid = "6f1c2d3e-4b5a-4c6d-8e7f-901a2b3c4d5e"
    sandbox_id = "5" * 64
    annotations = {
        "io.kubernetes.cri.container-type": "container",
        "io.kubernetes.cri.container-name": "app",
        "io.kubernetes.cri.image-name": "registry.example.com/shop/web:1.25.3",
        "io.kubernetes.cri.sandbox-id": sandbox_id,
        "io.kubernetes.cri.sandbox-name": "web-7d4b9c6f5-x2x9q",
        "io.kubernetes.cri.sandbox-namespace": "shop",
        "io.kubernetes.cri.sandbox-uid": pod_uid,
        "io.kubernetes.pod.name": "web-7d4b9c6f5-x2x9q",
        "io.kubernetes.pod.namespace": "shop",
        "io.kubernetes.container.name": "app",
    }
    env = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
           "HOSTNAME=web-7d4b9c6f5-x2x9q", "NGINX_VERSION=1.25.3", "NJS_VERSION=0.8.2",
           "PKG_RELEASE=1~bookworm"]
    for svc in ["KUBERNETES", "WEB", "REDIS", "POSTGRES"]:
        env += [f"{svc}_SERVICE_HOST=10.96.0.{len(env)}", f"{svc}_SERVICE_PORT=443",
                f"{svc}_PORT=tcp://10.96.0.{len(env)}:443",
                f"{svc}_PORT_443_TCP=tcp://10.96.0.{len(env)}:443",
                f"{svc}_PORT_443_TCP_PROTO=tcp", f"{svc}_PORT_443_TCP_PORT=443"]
    doc = {
        "ociVersion": "1.1.0",
        "process": {
            "terminal": False, "user": {"uid": 0, "gid": 0, "additionalGids": [0, 1, 2, 3, 4, 6, 10, 11, 20, 26, 27]},
            "args": ["/bin/true"], "env": env, "cwd": "/",
            "capabilities": {k: CAPS for k in ["bounding", "effective", "permitted"]},
            "apparmorProfile": "cri-containerd.apparmor.d",
            "oomScoreAdj": 936,
        },
        "root": {"path": "rootfs"},
        "hostname": "web-7d4b9c6f5-x2x9q",
        "mounts": mounts(n_mounts, pod_uid),
        "annotations": annotations,
        "linux": {
            "resources": {
                "devices": [{"allow": False, "access": "rwm"}],
                "memory": {"limit": 268435456, "swap": 268435456},
                "cpu": {"shares": 256, "quota": 50000, "period": 100000},
                "hugepageLimits": [{"pageSize": "2MB", "limit": 0}, {"pageSize": "1GB", "limit": 0}],
                "unified": {"memory.oom.group": "1", "memory.swap.max": "0"},
            },
            "cgroupsPath": f"kubepods-burstable-pod{pod_uid.replace('-', '_')}.slice:cri-containerd:" + "a" * 64,
            "namespaces": [
                {"type": "pid"}, {"type": "ipc", "path": "/proc/4242/ns/ipc"},
                {"type": "uts", "path": "/proc/4242/ns/uts"}, {"type": "mount"},
                {"type": "network", "path": "/var/run/netns/cni-2f9a8b7c-6d5e-4f3a-2b1c-0d9e8f7a6b5c"},
            ],
            "seccomp": seccomp(),
            "maskedPaths": ["/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
                            "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
                            "/proc/scsi", "/sys/firmware", "/sys/devices/virtual/powercap"],
            "readonlyPaths": ["/proc/asound", "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
                              "/proc/sysrq-trigger"],
        },
    }
    text = json.dumps(doc, indent=2) + "\n"
    if pad_to and len(text) < pad_to:
        # kubectl's last-applied-configuration: a JSON document as a string.
        chunk = json.dumps({"apiVersion": "apps/v1", "kind": "Deployment",
                            "metadata": {"name": "web", "labels": {"app": "web", "tier": "frontend"}}})
        need = pad_to - len(text)
        for _ in range(3):  # escaping makes the text longer than the value
            value = (chunk * (need // len(chunk) + 1))[:need]
            annotations["kubectl.kubernetes.io/last-applied-configuration"] = value
            text = json.dumps(doc, indent=2) + "\n"
            need -= len(text) - pad_to
    return doc


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--mounts", type=int, default=30)
    p.add_argument("--size", type=int, default=0, help="pad to at least this many bytes")
    p.add_argument("--root", default="rootfs", help="root.path")
    p.add_argument("out")
    a = p.parse_args()
    doc = config(a.mounts, a.size)
    doc["root"]["path"] = a.root
    with open(a.out, "w") as f:
        f.write(json.dumps(doc, indent=2) + "\n")


if __name__ == "__main__":
    main()
