// escape_probe: run INSIDE a (privileged) container whose rootfs and /proc/sys
// are read-only. Tries each escape class of docs' runtimes.md and prints one
// line per class:
//
//   CLASS: blocked (ERRNO)              the step that failed, e.g. EPERM from seccomp
//   CLASS: ESCAPED (what it managed)
//
// Exit status 0 when every class is blocked, 1 when any escaped, 2 on usage.
//
//   escape_probe [VOLUME [SCRATCH]]
//     VOLUME   a writable bind mount on the rootfs's filesystem (default /data):
//              the mount fd for open_by_handle_at ("shocker")
//     SCRATCH  a writable directory for mount points (default /dev/shm, a tmpfs
//              in every OCI bundle; the read-only rootfs has no other)
//
// Every class runs in a child process in its own copy of the mount namespace
// (unshare(CLONE_NEWNS), same user namespace, so nothing is locked and the
// permissions are the container's), so one class that succeeds cannot change
// what the next one sees; if unshare fails the child runs in the container's.
// Writes through an escape touch only a probe file this program creates and
// removes again (/probe-escaped, .oi-escape-probe-* in the filesystem root
// for the handle class) or vm.swappiness with the value just read from it.
// Remounts are per-mount (MS_REMOUNT|MS_BIND, mount_setattr), never of a
// superblock.
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef MOUNT_ATTR_RDONLY
#define MOUNT_ATTR_RDONLY 0x00000001
struct mount_attr { unsigned long long attr_set, attr_clr, propagation, userns_fd; };
#endif
#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#ifndef MOVE_MOUNT_F_EMPTY_PATH
#define MOVE_MOUNT_F_EMPTY_PATH 0x00000004
#endif
#ifndef FSCONFIG_CMD_CREATE
#define FSCONFIG_CMD_CREATE 6
#endif

#define SWAPPINESS "sys/vm/swappiness"  // relative to a proc mount

static const char *volume = "/data";
static const char *scratch = "/dev/shm";
static char result[512];  // a child's verdict, printed by the child

// Verdicts. Each returns 1 for "escaped", 0 for "blocked".
static int blocked(const char *step) {
  const char *name = strerrorname_np(errno);
  if (step && *step)
    snprintf(result, sizeof result, "blocked (%s from %s)", name ? name : "?", step);
  else
    snprintf(result, sizeof result, "blocked (%s)", name ? name : "?");
  return 0;
}

static int escaped(const char *fmt, ...) {
  char what[400];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof what, fmt, ap);
  va_end(ap);
  snprintf(result, sizeof result, "ESCAPED (%s)", what);
  return 1;
}

// Writes the value just read back into the swappiness file at dirfd/path:
// 0 on success, -1 with errno set.
static int rewrite_swappiness(int dirfd, const char *path) {
  char value[32];
  int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  ssize_t n = read(fd, value, sizeof value - 1);
  close(fd);
  if (n <= 0) { if (n == 0) errno = ENODATA; return -1; }
  fd = openat(dirfd, path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  ssize_t w = write(fd, value, (size_t)n);
  int saved = errno;
  close(fd);
  errno = saved;
  return w == n ? 0 : -1;
}

// Creates, writes and removes dirfd/name: 0 on success, -1 with errno set.
static int write_probe_file(int dirfd, const char *name) {
  int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return -1;
  ssize_t w = write(fd, "escaped\n", 8);
  int saved = errno;
  close(fd);
  unlinkat(dirfd, name, 0);
  errno = saved;
  return w == 8 ? 0 : -1;
}

static int root_write_verdict(const char *how) {
  if (write_probe_file(AT_FDCWD, "/probe-escaped") != 0) return blocked("write /probe-escaped");
  return escaped("%s, then created /probe-escaped", how);
}

static int sysctl_write_verdict(int dirfd, const char *path, const char *how) {
  if (rewrite_swappiness(dirfd, path) != 0) return blocked("write swappiness");
  return escaped("%s, then wrote vm.swappiness", how);
}

// A fresh mount point under SCRATCH (removed by cleanup_dir).
static char dir[256];
static int make_dir(const char *tag) {
  snprintf(dir, sizeof dir, "%s/oi-probe-%s-%d", scratch, tag, (int)getpid());
  return mkdir(dir, 0700);
}
static void cleanup_dir(void) {
  umount2(dir, MNT_DETACH);  // no-op (EINVAL/EPERM) when nothing is mounted
  rmdir(dir);
}

// ---------------------------------------------------------------- the classes
static int plain_write_root(void) { return root_write_verdict("plain write"); }

static int plain_write_sysctl(void) {
  return sysctl_write_verdict(AT_FDCWD, "/proc/" SWAPPINESS, "plain write");
}

static int remount_rw(const char *target) {
  if (mount(NULL, target, NULL, MS_REMOUNT | MS_BIND, NULL) != 0) return blocked("mount");
  return strcmp(target, "/") == 0
             ? root_write_verdict("MS_REMOUNT|MS_BIND without MS_RDONLY on /")
             : sysctl_write_verdict(AT_FDCWD, "/proc/" SWAPPINESS,
                                    "MS_REMOUNT|MS_BIND without MS_RDONLY on /proc/sys");
}
static int remount_root(void) { return remount_rw("/"); }
static int remount_proc_sys(void) { return remount_rw("/proc/sys"); }

// Unmounts /proc/sys (plain, then lazily) until the write goes through; the
// hook and the runtime may each have stacked a read-only mount there.
static int umount_proc_sys(void) {
  int n = 0;
  for (int i = 0; i < 8; i++) {
    if (umount2("/proc/sys", 0) != 0 && umount2("/proc/sys", MNT_DETACH) != 0)
      return blocked(n ? "umount2 (after earlier unmounts), write" : "umount2");
    n++;
    if (rewrite_swappiness(AT_FDCWD, "/proc/" SWAPPINESS) == 0)
      return escaped("unmounted /proc/sys %d time(s), then wrote vm.swappiness", n);
  }
  return blocked("write swappiness after 8 unmounts");
}

static int move_proc_sys(void) {
  if (make_dir("move") != 0) return blocked("mkdir in scratch dir");
  int r = mount("/proc/sys", dir, NULL, MS_MOVE, NULL) != 0
              ? blocked("mount MS_MOVE")
              : sysctl_write_verdict(AT_FDCWD, "/proc/" SWAPPINESS, "moved /proc/sys away");
  cleanup_dir();
  return r;
}

static int fresh_proc(void) {
  if (make_dir("proc") != 0) return blocked("mkdir in scratch dir");
  int r;
  if (mount("proc", dir, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) != 0) {
    r = blocked("mount proc");
  } else {
    char path[300];
    snprintf(path, sizeof path, "%s/" SWAPPINESS, dir);
    r = sysctl_write_verdict(AT_FDCWD, path, "mounted a fresh proc");
  }
  cleanup_dir();
  return r;
}

static int bind_proc(void) {
  if (make_dir("bind") != 0) return blocked("mkdir in scratch dir");
  int r;
  if (mount("/proc", dir, NULL, MS_BIND, NULL) != 0) {  // not MS_REC: /proc/sys stays behind
    r = blocked("mount MS_BIND");
  } else {
    char path[300];
    snprintf(path, sizeof path, "%s/" SWAPPINESS, dir);
    r = sysctl_write_verdict(AT_FDCWD, path, "bound /proc non-recursively");
  }
  cleanup_dir();
  return r;
}

static int setattr_rw(const char *target) {
  struct mount_attr attr;
  memset(&attr, 0, sizeof attr);
  attr.attr_clr = MOUNT_ATTR_RDONLY;
  if (syscall(SYS_mount_setattr, AT_FDCWD, target, 0, &attr, sizeof attr) != 0)
    return blocked("mount_setattr");
  return strcmp(target, "/") == 0
             ? root_write_verdict("mount_setattr cleared RDONLY on /")
             : sysctl_write_verdict(AT_FDCWD, "/proc/" SWAPPINESS,
                                    "mount_setattr cleared RDONLY on /proc/sys");
}
static int setattr_root(void) { return setattr_rw("/"); }
static int setattr_proc_sys(void) { return setattr_rw("/proc/sys"); }

static int open_tree_clone(void) {
  int fd = (int)syscall(SYS_open_tree, AT_FDCWD, "/proc", OPEN_TREE_CLONE | O_CLOEXEC);
  if (fd < 0) return blocked("open_tree");
  if (make_dir("tree") != 0) { close(fd); return blocked("mkdir in scratch dir"); }
  int r;
  if (syscall(SYS_move_mount, fd, "", AT_FDCWD, dir, MOVE_MOUNT_F_EMPTY_PATH) != 0) {
    r = blocked("move_mount");
  } else {
    char path[300];
    snprintf(path, sizeof path, "%s/" SWAPPINESS, dir);
    r = sysctl_write_verdict(AT_FDCWD, path, "cloned /proc with open_tree, attached it");
  }
  close(fd);
  cleanup_dir();
  return r;
}

// Nothing in mountinfo: the mount is only reachable through its fd.
static int fsmount_proc(void) {
  int fs = (int)syscall(SYS_fsopen, "proc", 0);
  if (fs < 0) return blocked("fsopen");
  if (syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) != 0) {
    close(fs);
    return blocked("fsconfig");
  }
  int mfd = (int)syscall(SYS_fsmount, fs, 0, 0);
  close(fs);
  if (mfd < 0) return blocked("fsmount");
  int r = sysctl_write_verdict(mfd, SWAPPINESS, "fsopen+fsmount a detached proc");
  close(mfd);
  return r;
}

// "shocker": a handle for inode 2 (the ext4 root, generation 0, handle type 1
// = FILEID_INO32_GEN) opened through the volume's mount fd reaches the whole
// filesystem the volume lives on, around every mount.
static int open_by_handle(void) {
  _Alignas(struct file_handle) unsigned char buf[sizeof(struct file_handle) + MAX_HANDLE_SZ];
  struct file_handle *fh = (struct file_handle *)buf;
  int mount_id;
  memset(buf, 0, sizeof buf);
  fh->handle_bytes = MAX_HANDLE_SZ;
  if (name_to_handle_at(AT_FDCWD, volume, fh, &mount_id, 0) != 0)
    return blocked("name_to_handle_at of the volume");
  int mfd = open(volume, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (mfd < 0) return blocked("open the volume");
  unsigned int root[2] = {2, 0};  // ino, generation
  fh->handle_type = 1;
  fh->handle_bytes = sizeof root;
  memcpy(fh->f_handle, root, sizeof root);
  int fd = open_by_handle_at(mfd, fh, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  close(mfd);
  if (fd < 0) return blocked("open_by_handle_at");
  char name[64];
  snprintf(name, sizeof name, ".oi-escape-probe-shocker-%d", (int)getpid());
  int r = write_probe_file(fd, name) != 0
              ? blocked("write in the filesystem root (handle opened)")
              : escaped("opened the filesystem root by handle, created and removed %s there", name);
  close(fd);
  return r;
}

static int unshare_remount_root(void) {
  if (unshare(CLONE_NEWNS) != 0) return blocked("unshare");
  return remount_rw("/");
}

// ---------------------------------------------------------------- driver
struct probe { const char *name; int (*fn)(void); };

static const struct probe probes[] = {
    {"plain-write-rootfs", plain_write_root},
    {"plain-write-proc-sys", plain_write_sysctl},
    {"remount-bind-rw-root", remount_root},
    {"remount-bind-rw-proc-sys", remount_proc_sys},
    {"umount-proc-sys", umount_proc_sys},
    {"move-proc-sys", move_proc_sys},
    {"fresh-proc-mount", fresh_proc},
    {"bind-proc-nonrecursive", bind_proc},
    {"mount-setattr-rw-root", setattr_root},
    {"mount-setattr-rw-proc-sys", setattr_proc_sys},
    {"open-tree-clone-move-mount", open_tree_clone},
    {"fsmount-proc-detached", fsmount_proc},
    {"open-by-handle-shocker", open_by_handle},
    {"unshare-remount-bind-rw-root", unshare_remount_root},
};

// Runs one class in a child: 0 blocked, 1 escaped, 2 the child died.
static int run(const struct probe *p, int first) {
  fflush(stdout);
  pid_t pid = fork();
  if (pid < 0) { perror("fork"); return 2; }
  if (pid == 0) {
    if (unshare(CLONE_NEWNS) == 0) {
      // A propagation change, no remount: keeps our unmounts from reaching
      // peer mounts. EPERM under the wrapper's seccomp rules: fine.
      mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
    } else if (first) {
      fprintf(stderr, "escape_probe: unshare(CLONE_NEWNS): %s; classes run in the container's "
                      "mount namespace\n", strerror(errno));
    }
    int r = p->fn();
    printf("%s: %s\n", p->name, result);
    fflush(stdout);
    _exit(r);
  }
  int status;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) { perror("waitpid"); return 2; }
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) <= 1) return WEXITSTATUS(status);
  printf("%s: ESCAPED? (the probe child died, status 0x%x)\n", p->name, status);
  return 2;
}

int main(int argc, char **argv) {
  if (argc > 3 || (argc > 1 && argv[1][0] != '/')) {
    fprintf(stderr, "usage: %s [VOLUME [SCRATCH]]  (absolute paths)\n", argv[0]);
    return 2;
  }
  if (argc > 1) volume = argv[1];
  if (argc > 2) scratch = argv[2];
  setvbuf(stdout, NULL, _IOLBF, 0);
  int any = 0;
  for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++) any |= run(&probes[i], i == 0) != 0;
  return any ? 1 : 0;
}
