// Guest-side probe for .ci/verify-arm64: the few syscalls busybox cannot make, each printing one line with the result
// and errno, so the guest's checks can compare the sandboxed and the unsandboxed outcome. Built static for aarch64 with
// aarch64-linux-gnu-gcc; raw syscall numbers come from the target's own headers, not from nono's tables.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <grp.h>
#include <linux/io_uring.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

static struct sockaddr_in loopback(const char *port)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(port))};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

// tcp PORT PAYLOAD: connect to 127.0.0.1:PORT and send PAYLOAD.
static int tcp(const char *port, const char *payload)
{
    struct sockaddr_in a = loopback(port);
    int s = socket(AF_INET, SOCK_STREAM, 0);
    if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof a) != 0) { printf("tcp-failed %d\n", errno); return 0; }
    if (write(s, payload, strlen(payload)) < 0) { printf("tcp-write-failed %d\n", errno); return 0; }
    printf("tcp-connected\n");
    close(s);
    return 0;
}

// udp PORT PAYLOAD: one datagram to 127.0.0.1:PORT.
static int udp(const char *port, const char *payload)
{
    struct sockaddr_in a = loopback(port);
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    if (s < 0 || sendto(s, payload, strlen(payload), 0, (struct sockaddr *)&a, sizeof a) < 0) { printf("udp-failed %d\n", errno); return 0; }
    printf("udp-sent\n");
    return 0;
}

// serve PORTFILE: TCP and UDP listeners on 127.0.0.1, ports written to PORTFILE ("TCP UDP"), every payload received
// printed as "tcp PAYLOAD" / "udp PAYLOAD" until killed.
static int serve(const char *portfile)
{
    struct sockaddr_in a = loopback("0");
    socklen_t len = sizeof a;
    int t = socket(AF_INET, SOCK_STREAM, 0), u = socket(AF_INET, SOCK_DGRAM, 0);
    if (bind(t, (struct sockaddr *)&a, sizeof a) || listen(t, 16) || bind(u, (struct sockaddr *)&a, sizeof a)) { perror("serve"); return 1; }
    FILE *f = fopen(portfile, "w");
    getsockname(t, (struct sockaddr *)&a, &len);
    fprintf(f, "%d ", ntohs(a.sin_port));
    getsockname(u, (struct sockaddr *)&a, &len);
    fprintf(f, "%d\n", ntohs(a.sin_port));
    fclose(f);
    setvbuf(stdout, NULL, _IONBF, 0);
    for (;;)
    {
        struct pollfd p[2] = {{.fd = t, .events = POLLIN}, {.fd = u, .events = POLLIN}};
        char buf[256];
        if (poll(p, 2, -1) < 0) return 1;
        if (p[0].revents & POLLIN)
        {
            int c = accept(t, NULL, NULL);
            ssize_t n = c < 0 ? -1 : read(c, buf, sizeof buf - 1);
            if (n >= 0) { buf[n] = 0; printf("tcp %s\n", buf); }
            if (c >= 0) close(c);
        }
        if (p[1].revents & POLLIN)
        {
            ssize_t n = recv(u, buf, sizeof buf - 1, 0);
            if (n >= 0) { buf[n] = 0; printf("udp %s\n", buf); }
        }
    }
}

// ptrace-child: attach to and read the memory of an own child. Outside a sandbox both work (same uid, the tracee is a
// descendant), so EPERM here can only come from the seccomp filter. ptrace-pid PID: attach to and read another process.
static int ptrace_child(void)
{
    static volatile long secret = 0x5ec2e7;
    pid_t child = fork();
    if (child == 0) { pause(); _exit(0); }
    long rc = ptrace(PTRACE_ATTACH, child, 0, 0);
    printf("ptrace %ld %d\n", rc, rc == 0 ? 0 : errno);
    if (rc == 0) { waitpid(child, NULL, 0); ptrace(PTRACE_DETACH, child, 0, 0); }
    long copy = 0;
    struct iovec local = {.iov_base = &copy, .iov_len = sizeof copy}, remote = {.iov_base = (void *)&secret, .iov_len = sizeof secret};
    ssize_t n = process_vm_readv(child, &local, 1, &remote, 1, 0);
    printf("vmread %zd %d %s\n", n, n < 0 ? errno : 0, copy == secret ? "same" : "differs");
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
    return 0;
}

// io_uring and keyctl: both succeed outside a sandbox (io_uring_disabled=0, every process has a session keyring).
static int kernel_calls(void)
{
    struct io_uring_params params = {0};
    long fd = syscall(__NR_io_uring_setup, 1, &params);
    printf("io_uring %d\n", fd >= 0 ? 0 : errno);
    long id = syscall(__NR_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -3 /* KEY_SPEC_SESSION_KEYRING */, 1);
    printf("keyctl %d\n", id >= 0 ? 0 : errno);
    return 0;
}

// aarch32 PATH: writes a minimal 32-bit ARM (EABI) executable that prints "aarch32-ran" through the compat syscall
// entry (write = 4, exit = 1 there). The arm64 kernel runs it natively (CONFIG_COMPAT); nono's seccomp filter must kill it,
// because its first instruction rejects every audit architecture but AARCH64 (compat numbers mean other calls).
static int aarch32(const char *path)
{
    static const unsigned char elf[] = {
        0x7f, 'E', 'L', 'F', 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, // ELFCLASS32, little-endian
        2, 0, 0x28, 0, 1, 0, 0, 0, 0x54, 0, 1, 0, 0x34, 0, 0, 0, // ET_EXEC, EM_ARM, entry 0x10054, phoff 52
        0, 0, 0, 0, 0, 0, 0, 5, 0x34, 0, 0x20, 0, 1, 0, 0, 0,    // EABI5, ehsize 52, one 32-byte phdr
        0, 0, 0, 0,
        1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0,          // PT_LOAD offset 0 at 0x10000
        0x80, 0, 0, 0, 0x80, 0, 0, 0, 5, 0, 0, 0, 0, 0x10, 0, 0, // 128 bytes, R+X
        0x01, 0x00, 0xa0, 0xe3, 0x14, 0x10, 0x8f, 0xe2,          // mov r0, #1; add r1, pc, #20 (the text)
        0x0c, 0x20, 0xa0, 0xe3, 0x04, 0x70, 0xa0, 0xe3,          // mov r2, #12; mov r7, #4 (write)
        0x00, 0x00, 0x00, 0xef, 0x00, 0x00, 0xa0, 0xe3,          // svc 0; mov r0, #0
        0x01, 0x70, 0xa0, 0xe3, 0x00, 0x00, 0x00, 0xef,          // mov r7, #1 (exit); svc 0
        'a', 'a', 'r', 'c', 'h', '3', '2', '-', 'r', 'a', 'n', '\n',
    };
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(elf, 1, sizeof elf, f) != sizeof elf || fclose(f) || chmod(path, 0755)) { perror(path); return 1; }
    return 0;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    const char *cmd = argc > 1 ? argv[1] : "";
    if (!strcmp(cmd, "tcp") && argc == 4) return tcp(argv[2], argv[3]);
    if (!strcmp(cmd, "udp") && argc == 4) return udp(argv[2], argv[3]);
    if (!strcmp(cmd, "serve") && argc == 3) return serve(argv[2]);
    if (!strcmp(cmd, "unix")) { int s = socket(AF_UNIX, SOCK_STREAM, 0); printf(s < 0 ? "unix-failed %d\n" : "unix-created\n", errno); return 0; }
    if (!strcmp(cmd, "ptrace-child")) return ptrace_child();
    if (!strcmp(cmd, "ptrace-pid") && argc == 3)
    {
        pid_t pid = atoi(argv[2]);
        long rc = ptrace(PTRACE_ATTACH, pid, 0, 0);
        printf("ptrace-pid %ld %d\n", rc, rc == 0 ? 0 : errno);
        // An attach that worked (a failing check) must not leave the target stopped: wait for the stop, detach.
        if (rc == 0) { waitpid(pid, NULL, __WALL); ptrace(PTRACE_DETACH, pid, 0, 0); }
        // Reading its memory: the address is this process's own stack, so "works" would mean EFAULT or data.
        long word = 0;
        struct iovec local = {.iov_base = &word, .iov_len = sizeof word}, remote = {.iov_base = &word, .iov_len = sizeof word};
        ssize_t n = process_vm_readv(pid, &local, 1, &remote, 1, 0);
        printf("vmread-pid %zd %d\n", n, n < 0 ? errno : 0);
        return 0;
    }
    if (!strcmp(cmd, "kernel-calls")) return kernel_calls();
    if (!strcmp(cmd, "aarch32") && argc == 3) return aarch32(argv[2]);
    // as UID GID CMD...: what setpriv --reuid --regid --clear-groups does (busybox's setpriv has no such options).
    if (!strcmp(cmd, "as") && argc > 4)
    {
        gid_t gid = (gid_t)atoi(argv[3]);
        if (setgroups(0, NULL) || setgid(gid) || setuid((uid_t)atoi(argv[2]))) { perror("as"); return 126; }
        execvp(argv[4], argv + 4);
        perror(argv[4]);
        return 127;
    }
    fprintf(stderr, "usage: probe tcp|udp PORT PAYLOAD | serve PORTFILE | unix | ptrace-child | ptrace-pid PID | kernel-calls | aarch32 PATH | as UID GID CMD...\n");
    return 2;
}
