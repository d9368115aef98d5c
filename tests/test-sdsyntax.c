/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One check per rule of systemd's syntax, each citing the man page (systemd
 * 252, as installed on Debian 12) or the systemd function it follows.
 */
#include <errno.h>

#include "sdsyntax.h"
#include "test.h"

/* ---- unit files: systemd.syntax(7) ---- */

struct collect {
        char out[4096];
};

static int collect_assign(void *userdata, const char *section, const char *key, const char *value,
                          unsigned line)
{
        struct collect *c = userdata;
        size_t n = strlen(c->out);

        snprintf(c->out + n, sizeof(c->out) - n, "[%s]%s=<%s>@%u\n", section, key, value, line);
        return 0;
}

static const char *unit(const char *text, int want)
{
        static struct collect c;
        unsigned line = 0;

        c.out[0] = '\0';
        CHECK_INT(kfs_sd_unit_parse(text, strlen(text), collect_assign, &c, &line), want);
        return c.out;
}

static void test_unit_lines(void)
{
        /* "Empty lines and lines starting with # or ; are ignored" */
        CHECK_STR(unit("# c\n; c\n\n[Service]\n  # indented comment\nA=1\n", 0), "[Service]A=<1>@6\n");
        /* "Whitespace immediately before or after the = is ignored" */
        CHECK_STR(unit("[S]\n  Key  =  a b  \n", 0), "[S]Key=<a b>@2\n");
        /* "Lines ending in a backslash are concatenated with the following line ...
         * the backslash is replaced by a space character" */
        CHECK_STR(unit("[S]\nA=one \\\n  two\n", 0), "[S]A=<one    two>@2\n");
        CHECK_STR(unit("[S]\nA=one\\\ntwo\n", 0), "[S]A=<one two>@2\n");
        /* "When a comment line or lines follow a line ending with a backslash, the
         * comment block is ignored" (the man page's [Section C] example) */
        CHECK_STR(unit("[Section C]\nKeyThree=value 3\\\n# this line is ignored\n"
                       "; this line is ignored too\n       value 3 continued\n", 0),
                  "[Section C]KeyThree=<value 3        value 3 continued>@2\n");
        /* an escaped backslash at the end is not a continuation (config_parse()) */
        CHECK_STR(unit("[S]\nA=x\\\\\nB=y\n", 0), "[S]A=<x\\\\>@2\n[S]B=<y>@3\n");
        /* an empty line ends a continuation; one at the end of the file is parsed */
        CHECK_STR(unit("[S]\nA=x\\\n\nB=y\\", 0), "[S]A=<x>@2\n[S]B=<y>@4\n");
        /* CRLF and CR line ends (read_line()), a leading BOM */
        CHECK_STR(unit("\xef\xbb\xbf[S]\r\nA=1\r\nB=2\rC=3", 0), "[S]A=<1>@2\n[S]B=<2>@3\n[S]C=<3>@4\n");
        /* assignments before any section and lines without '=' are skipped */
        CHECK_STR(unit("A=1\n[S]\nnoequals\n=novalue\nB=\n", 0), "[S]B=<>@5\n");
        /* sections may come in any order and repeat: rke2's [Install] before [Service] */
        CHECK_STR(unit("[Install]\nW=m\n[Service]\nA=1\n[Service]\nB=2\n", 0),
                  "[Install]W=<m>@2\n[Service]A=<1>@4\n[Service]B=<2>@6\n");
        /* "Invalid section header" fails the file */
        unit("[Service\nA=1\n", -EBADMSG);
        unit("[Ser\"vice]\n", -EBADMSG);
}

static void test_unit_long_line(void)
{
        size_t n = KFS_SD_LINE_MAX + 16;
        char *s = malloc(n + 8);
        unsigned line = 0;
        struct collect c = { { 0 } };

        memcpy(s, "[S]\nA=", 6);
        memset(s + 6, 'x', n - 6);
        s[n] = '\0';
        CHECK_INT(kfs_sd_unit_parse(s, n, collect_assign, &c, &line), -ENOBUFS);
        CHECK_INT(line, 2);
        /* many short continuation lines stay linear (no rescanning) */
        for (size_t i = 6; i + 2 < n; i += 2) {
                s[i] = '\\';
                s[i + 1] = '\n';
        }
        CHECK_INT(kfs_sd_unit_parse(s, n - 40, collect_assign, &c, &line), 0);
        free(s);
}

/* ---- words: systemd.syntax(7) "QUOTING" ---- */

static char *word1(const char *s, unsigned flags, int want)
{
        static char buf[256];
        char *w = NULL;
        int r = kfs_sd_word(&s, flags, &w);

        CHECK_INT(r, want);
        snprintf(buf, sizeof(buf), "%s", w ? w : "(none)");
        free(w);
        return buf;
}

#define QC (KFS_SD_UNQUOTE | KFS_SD_CUNESCAPE)

static void test_words(void)
{
        const char *p = "  one \"two two\" 'three three'  ";
        char *w;

        CHECK_INT(kfs_sd_word(&p, QC, &w), 1);
        CHECK_STR(w, "one");
        free(w);
        CHECK_INT(kfs_sd_word(&p, QC, &w), 1);
        CHECK_STR(w, "two two");
        free(w);
        CHECK_INT(kfs_sd_word(&p, QC, &w), 1);
        CHECK_STR(w, "three three");
        free(w);
        CHECK_INT(kfs_sd_word(&p, QC, &w), 0);

        /* the escape table */
        CHECK_STR(word1("\"\\a\\b\\f\\n\\r\\t\\v\"", QC, 1), "\a\b\f\n\r\t\v");
        CHECK_STR(word1("a\\\\b\\\"c\\'d", QC, 1), "a\\b\"c'd");
        CHECK_STR(word1("a\\sb", QC, 1), "a b");
        CHECK_STR(word1("\\x41\\102", QC, 1), "AB");
        CHECK_STR(word1("\\u00e9\\U0001F600", QC, 1), "\xc3\xa9\xf0\x9f\x98\x80");
        /* NUL in any form, and unknown escapes, are invalid ... */
        word1("\\x00", QC, -EINVAL);
        word1("\\000", QC, -EINVAL);
        word1("\\q", QC, -EINVAL);
        /* ... and extract_first_word_and_warn() retries, keeping them verbatim */
        {
                const char *q = "a\\qb c";
                bool relaxed = false;

                CHECK_INT(kfs_sd_word_relaxed(&q, QC, &w, &relaxed), 1);
                CHECK_STR(w, "a\\qb");
                CHECK(relaxed);
                free(w);
        }
        /* quotes group anywhere in a word and are removed (extract_first_word();
         * kubeasz's --requestheader-allowed-names="...", the hard way's --runtime-config='...') */
        CHECK_STR(word1("--names=\"a,b c\"", QC, 1), "--names=a,b c");
        CHECK_STR(word1("--x='api/all=true'", QC, 1), "--x=api/all=true");
        /* an empty quoted word is a word */
        CHECK_STR(word1("\"\" x", QC, 1), "");
        /* unbalanced quotes */
        word1("\"abc", QC, -EINVAL);
        CHECK_STR(word1("\"abc", KFS_SD_UNQUOTE | KFS_SD_RELAX, 1), "abc");
}

static void test_split(void)
{
        struct kfs_strv l = { 0 };

        /* $VAR splitting: "quotes are respected when splitting into words, and
         * afterwards removed" (systemd.service(5)); backslash keeps the next character */
        CHECK_INT(kfs_sd_split(" --a=b\t--c=\"d e\"\n'f g' h\\ i ", &l), 0);
        CHECK_INT(l.n, 4);
        CHECK_STR(l.v[0], "--a=b");
        CHECK_STR(l.v[1], "--c=d e");
        CHECK_STR(l.v[2], "f g");
        CHECK_STR(l.v[3], "h i");
        kfs_strv_release(&l);
        /* EXTRACT_RELAX: an unbalanced quote ends the word */
        CHECK_INT(kfs_sd_split("a \"b c", &l), 0);
        CHECK_INT(l.n, 2);
        CHECK_STR(l.v[1], "b c");
        kfs_strv_release(&l);
}

/* ---- environment files: systemd.exec(5) "EnvironmentFile=" ---- */

static int collect_env(void *userdata, const char *key, const char *value, unsigned line)
{
        struct collect *c = userdata;
        size_t n = strlen(c->out);

        snprintf(c->out + n, sizeof(c->out) - n, "%s=<%s>\n", key, value);
        return 0;
}

static const char *envf(const char *text)
{
        static struct collect c;

        c.out[0] = '\0';
        CHECK_INT(kfs_sd_envfile_parse(text, strlen(text), collect_env, &c), 0);
        return c.out;
}

static void test_envfile(void)
{
        /* "Leading and trailing whitespace ... is discarded, but interior whitespace
         * within the line is preserved verbatim" */
        CHECK_STR(envf("A=plain value  \n"), "A=<plain value>\n");
        /* "Empty lines, lines without an = separator, or lines starting with ; or #
         * will be ignored" */
        CHECK_STR(envf("\n# c\n; c\nnoequals\n  B=1\n"), "B=<1>\n");
        /* unquoted: "A line ending with a backslash will be continued ... with the
         * newline itself discarded"; "\\ will become the value \" */
        CHECK_STR(envf("E=cont\\\ninued\nF=a\\\\b\\c\n"), "E=<continued>\nF=<a\\bc>\n");
        /* "quotes after the first non-whitespace character are preserved" */
        CHECK_STR(envf("G=x\"y z\"\n"), "G=<x\"y z\">\n");
        /* '...' spans lines verbatim, no escapes */
        CHECK_STR(envf("C='multi\nline \\n'\n"), "C=<multi\nline \\n>\n");
        /* "..." : \" \\ \` \$ unescaped, other backslashes kept, backslash-newline a continuation */
        CHECK_STR(envf("B=\"x \\\"y\\\" \\\\ \\q \\$ \\`\"\n"), "B=<x \"y\" \\ \\q $ `>\n");
        CHECK_STR(envf("K=\"--a \\\n--b\"\n"), "K=<--a --b>\n");
        /* a plain newline inside "..." stays (kubespray's multi-line KUBELET_ARGS) */
        CHECK_STR(envf("K=\"--a\n--b\"\n"), "K=<--a\n--b>\n");
        /* parse_env_file_internal(): after a closing quote the value goes on,
         * and a later quote is literal (as systemd-environment-d-generator shows) */
        CHECK_STR(envf("G=\"a\"b \"c\"\n"), "G=<ab \"c\">\n");
        /* spaces around the key and before the value are dropped */
        CHECK_STR(envf("  F = spaced\n"), "F=<spaced>\n");
        /* an invalid name is passed up: the caller drops it (load_env_files()) */
        CHECK_STR(envf("export H=1\n"), "export H=<1>\n");
        /* systemd 252: a backslash at the end of a comment continues the comment */
        CHECK_STR(envf("# comment \\\nD=swallowed\nE=1\n"), "E=<1>\n");
        /* CR and CRLF end lines; the last line needs no newline (kind's /etc/default/kubelet) */
        CHECK_STR(envf("A=1\r\nB=2\rC=3"), "A=<1>\nB=<2>\nC=<3>\n");
        /* an empty value, and a quote left open at the end */
        CHECK_STR(envf("A=\nB=\"open"), "A=<>\nB=<open>\n");
        /* kubeadm's kubeadm-flags.env, written with Go's %q */
        CHECK_STR(envf("KUBELET_KUBEADM_ARGS=\"--node-labels=\\\"a=b\\\" --x=y\"\n"),
                  "KUBELET_KUBEADM_ARGS=<--node-labels=\"a=b\" --x=y>\n");
}

/* ---- environment blocks and expansion: systemd.service(5) "COMMAND LINES" ---- */

static void test_env(void)
{
        struct kfs_sd_env e = { 0 }, f = { 0 };

        CHECK(kfs_sd_env_name_valid("A_1", 3));
        CHECK(!kfs_sd_env_name_valid("1A", 2));
        CHECK(!kfs_sd_env_name_valid("export A", 8));
        CHECK(!kfs_sd_env_name_valid("", 0));
        CHECK(kfs_sd_env_assignment_valid("A="));
        CHECK(!kfs_sd_env_assignment_valid("A"));
        /* "If the same variable is listed twice, the later setting will override the
         * earlier setting": in place (strv_env_replace_consume()) */
        CHECK_INT(kfs_sd_env_set(&e, "A=1"), 0);
        CHECK_INT(kfs_sd_env_set(&e, "B=2"), 0);
        CHECK_INT(kfs_sd_env_set(&e, "A=3"), 0);
        CHECK_INT(e.l.n, 2);
        CHECK_STR(e.l.v[0], "A=3");
        CHECK_STR(kfs_sd_env_get(&e, "B", 1), "2");
        CHECK(!kfs_sd_env_get(&e, "C", 1));
        /* strv_env_merge(): files override Environment= in place, new ones at the end */
        kfs_sd_env_set(&f, "C=4");
        kfs_sd_env_set(&f, "B=5");
        CHECK_INT(kfs_sd_env_merge(&e, &f), 0);
        CHECK_STR(e.l.v[1], "B=5");
        CHECK_STR(e.l.v[2], "C=4");
        /* UnsetEnvironment=: a name, or an exact assignment */
        kfs_sd_env_unset(&e, "C=other");
        CHECK_INT(e.l.n, 3);
        kfs_sd_env_unset(&e, "C=4");
        CHECK_INT(e.l.n, 2);
        kfs_sd_env_unset(&e, "A");
        CHECK_INT(e.l.n, 1);
        CHECK_STR(e.l.v[0], "B=5");
        kfs_sd_env_release(&e);
        kfs_sd_env_release(&f);
}

static void test_expand(void)
{
        struct kfs_sd_env e = { 0 };
        struct kfs_strv out = { 0 };
        char *argv[] = {
                "$ONE", "$TWO", "${TWO}",               /* systemd.service(5): "one", "two", "two", "two two" */
                "--x=$ONE", "--y=${ONE}", "a$$b", "$$ONE", "${NOPE}", "$NOPE", "${A:-b}",
                "$ONE/x", "${open", "$",
        };
        char *w;

        kfs_sd_env_set(&e, "ONE=one");
        kfs_sd_env_set(&e, "TWO=two two");
        CHECK_INT(kfs_sd_expand_argv(argv, sizeof(argv) / sizeof(argv[0]), &e, &out), 0);
        CHECK_INT(out.n, 11);
        CHECK_STR(out.v[0], "one");
        CHECK_STR(out.v[1], "two");
        CHECK_STR(out.v[2], "two");
        CHECK_STR(out.v[3], "two two");
        CHECK_STR(out.v[4], "--x=$ONE");       /* $FOO only as a word of its own */
        CHECK_STR(out.v[5], "--y=one");         /* ${FOO} "as part of a word" */
        CHECK_STR(out.v[6], "a$b");             /* "To pass a literal dollar sign, use $$" */
        CHECK_STR(out.v[7], "$ONE");
        CHECK_STR(out.v[8], "");                /* unknown ${X}: an empty argument */
        /* "$NOPE": unknown, zero arguments; "$ONE/x": not a name, zero arguments */
        CHECK_STR(out.v[9], "${A:-b}");         /* no shell defaults: left as written */
        CHECK_STR(out.v[10], "${open");         /* and "$" alone is no name: zero arguments */
        kfs_strv_release(&out);

        /* the man page's second example, with the quotes that extract_first_word()
         * really removes: Environment=ONE='one' "TWO='two two' too" THREE= */
        kfs_sd_env_release(&e);
        kfs_sd_env_set(&e, "ONE=one");
        kfs_sd_env_set(&e, "TWO='two two' too");
        kfs_sd_env_set(&e, "THREE=");
        {
                char *a2[] = { "$ONE", "$TWO", "$THREE" };

                CHECK_INT(kfs_sd_expand_argv(a2, 3, &e, &out), 0);
                CHECK_INT(out.n, 3);
                CHECK_STR(out.v[0], "one");
                CHECK_STR(out.v[1], "two two");
                CHECK_STR(out.v[2], "too");
                kfs_strv_release(&out);
        }
        CHECK_INT(kfs_sd_expand_word("${TWO}", &e, &w), 0);
        CHECK_STR(w, "'two two' too");
        free(w);
        kfs_sd_env_release(&e);
}

static void test_expand_limits(void)
{
        struct kfs_sd_env e = { 0 };
        struct kfs_strv out = { 0 };
        char *big = malloc(KFS_SD_ARGS_MAX * 2 + 8), *argv[] = { "$W" };

        /* more words than a command line may have: an error, not a hang */
        memcpy(big, "W=", 2);
        for (size_t i = 0; i < KFS_SD_ARGS_MAX + 2; i++) {
                big[2 + 2 * i] = 'x';
                big[3 + 2 * i] = ' ';
        }
        big[2 + 2 * (KFS_SD_ARGS_MAX + 2)] = '\0';
        CHECK_INT(kfs_sd_env_set(&e, big), 0);
        CHECK_INT(kfs_sd_expand_argv(argv, 1, &e, &out), -E2BIG);
        kfs_strv_release(&out);
        kfs_sd_env_release(&e);
        free(big);
}

/* ---- specifiers: systemd.unit(5) "SPECIFIERS" ---- */

static const char *spec(const char *s, const struct kfs_sd_unitinfo *u, int want)
{
        static char buf[512];
        char *r = NULL;

        CHECK_INT(kfs_sd_specifiers(s, u, &r), want);
        snprintf(buf, sizeof(buf), "%s", r ? r : "(error)");
        free(r);
        return buf;
}

static void test_specifiers(void)
{
        struct kfs_sd_unitinfo plain = {
                .name = "rke2-server.service",
                .fragment = "/usr/local/lib/systemd/system/rke2-server.service",
                .hostname = "node1.example.com",
                .os_release = "ID=debian\nVERSION_ID=\"12\"\n",
                .machine_id = "0123456789abcdef0123456789abcdef",
        };
        struct kfs_sd_unitinfo inst = { .name = "getty@tty\\x2d1.service" };
        struct kfs_sd_unitinfo nohost = { .name = "k3s.service" };

        CHECK_STR(spec("%n %N %p %i|", &plain, 0), "rke2-server.service rke2-server rke2-server |");
        /* rke2's EnvironmentFile=-/etc/default/%N */
        CHECK_STR(spec("-/etc/default/%N", &plain, 0), "-/etc/default/rke2-server");
        CHECK_STR(spec("%j %J %f", &plain, 0), "server server /rke2/server");
        CHECK_STR(spec("%H %l %q", &plain, 0), "node1.example.com node1 node1");
        CHECK_STR(spec("%m %o %w %W", &plain, 0), "0123456789abcdef0123456789abcdef debian 12 ");
        CHECK_STR(spec("%y %Y", &plain, 0),
                  "/usr/local/lib/systemd/system/rke2-server.service /usr/local/lib/systemd/system");
        CHECK_STR(spec("%t %S %C %L %E %T %V %h %s %u %U %g %G", &plain, 0),
                  "/run /var/lib /var/cache /var/log /etc /tmp /var/tmp /root /bin/sh root 0 root 0");
        CHECK_STR(spec("%i %I %p %P %N", &inst, 0), "tty\\x2d1 tty-1 getty getty getty@tty\\x2d1");
        /* "%%" is "%"; a stray % at the end stays; '%' before a non-alphanumeric stays */
        CHECK_STR(spec("100%% %-x 5%", &plain, 0), "100% %-x 5%");
        /* unknown specifiers make systemd refuse the setting */
        spec("%z", &plain, -EBADSLT);
        /* only a running system knows these, and a node copy without etc/hostname no %H */
        CHECK_STR(spec("%b %v %a %H", &nohost, 0), "%b %v %a %H");
}

int main(void)
{
        test_unit_lines();
        test_unit_long_line();
        test_words();
        test_split();
        test_envfile();
        test_env();
        test_expand();
        test_expand_limits();
        test_specifiers();
        return test_exit();
}
