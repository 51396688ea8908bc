/* measure.c — runs one command and prints
 *   WALL_S PEAK_RSS_KB EXIT_STATUS CPU_S BUSY_S
 * WALL_S: fork to exit (CLOCK_MONOTONIC); PEAK_RSS_KB and CPU_S (user + system): the child's own,
 * from wait4's rusage; BUSY_S: CPU time the whole machine spent busy meanwhile (/proc/stat), so
 * that BUSY_S − CPU_S is what other processes took from the command's cores.
 * usage: measure [-o FILE] -- COMMAND [ARG...]   (the command's stdout and stderr go to FILE,
 * default /dev/null) */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Seconds of CPU time the machine has spent busy since boot (all CPUs; not idle or iowait). */
static double machine_busy(void)
{
    unsigned long long v[10] = {0};
    FILE *f = fopen("/proc/stat", "r");
    if (!f)
        return 0;
    int n = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2],
                   &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], &v[9]);
    fclose(f);
    if (n < 8)
        return 0;
    /* user nice system idle iowait irq softirq steal [guest guest_nice, already in user/nice] */
    unsigned long long busy = v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
    return (double)busy / (double)sysconf(_SC_CLK_TCK);
}

static double tv(struct timeval t)
{
    return (double)t.tv_sec + (double)t.tv_usec / 1e6;
}

int main(int argc, char **argv)
{
    const char *out = "/dev/null";
    int i = 1;
    for (; i < argc && strcmp(argv[i], "--") != 0; i++)
        if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
            out = argv[++i];
    if (i + 1 >= argc) {
        fprintf(stderr, "usage: measure [-o FILE] -- COMMAND [ARG...]\n");
        return 2;
    }
    char **cmd = &argv[i + 1];
    struct timespec t0, t1;
    double busy0 = machine_busy();
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        return 2;
    }
    if (pid == 0) {
        int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd < 0) {
            perror(out);
            _exit(127);
        }
        dup2(fd, 1);
        dup2(fd, 2);
        close(fd);
        execvp(cmd[0], cmd);
        perror(cmd[0]);
        _exit(127);
    }
    int status;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) < 0) {
        perror("wait4");
        return 2;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double busy = machine_busy() - busy0;
    double wall = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    printf("%.4f %ld %d %.3f %.3f\n", wall, ru.ru_maxrss, code, tv(ru.ru_utime) + tv(ru.ru_stime), busy);
    return 0;
}
