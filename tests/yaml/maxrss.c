/* SPDX-License-Identifier: Apache-2.0 */
/*
 * maxrss CMD [ARG...]: runs CMD (stdout inherited, stderr to /dev/null) and
 * prints its exit status and peak RSS in KiB on stderr: "maxrss EXIT KIB".
 *
 * Why not Python's wait4(): Linux keeps the high-water RSS of the memory a
 * process had before execve(), and a child spawned from a big test script
 * starts with the script's. Forked from this small process, CMD's peak is
 * its own.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
        struct rusage ru;
        int status;
        pid_t pid;

        if (argc < 2) {
                fprintf(stderr, "usage: maxrss CMD [ARG...]\n");
                return 2;
        }
        pid = fork();
        if (pid < 0)
                return 1;
        if (pid == 0) {
                int null = open("/dev/null", O_WRONLY);
                if (null >= 0)
                        dup2(null, STDERR_FILENO);
                execvp(argv[1], argv + 1);
                _exit(127);
        }
        if (wait4(pid, &status, 0, &ru) < 0)
                return 1;
        fprintf(stderr, "maxrss %d %ld\n",
                WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status), ru.ru_maxrss);
        return 0;
}
