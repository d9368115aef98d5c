/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The decode cache (fs/cache.c), from several threads at once: one decode
 * per (file, decoder) while it is fresh, a new one (new generation) after
 * the file changes or is invalidated, entries held by readers survive
 * eviction and invalidation, the memory cap holds, probes follow changes.
 * Run under ASan/UBSan (tests/run.sh) and TSan, it also checks the locking.
 */
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "cache.h"
#include "registry.h"
#include "test.h"

#define N_FILES 40
#define N_THREADS 8
#define ROUNDS 300

static struct kfs_root root;
static struct kfs_cache *cache;
static const struct kfs_decoder *dec;

static void path_of(int i, char *buf, size_t n)
{
        snprintf(buf, n, "etc/kubernetes/f%02d.yaml", i);
}

/* Each thread reads every file's decode and checks it against the file's
 * own content; thread 0 also invalidates as it goes. */
static void *reader(void *arg)
{
        int id = (int) (intptr_t) arg;

        for (int round = 0; round < ROUNDS; round++) {
                int i = (round * 7 + id) % N_FILES;
                struct kfs_entry *e = NULL;
                char path[64], want[64];
                bool made;

                path_of(i, path, sizeof(path));
                if (kfs_cache_get(cache, path, dec, 1000, &e, &made) < 0) {
                        __atomic_add_fetch(&test_failures, 1, __ATOMIC_RELAXED);
                        continue;
                }
                snprintf(want, sizeof(want), "num = %d\n", i);
                if (strcmp(e->res->views[0].data, want) != 0 || strcmp(e->path, path) != 0)
                        __atomic_add_fetch(&test_failures, 1, __ATOMIC_RELAXED);
                if (id == 0 && round % 5 == 0)
                        kfs_cache_invalidate(cache, path, NULL, NULL);
                kfs_cache_put(cache, e);
        }
        return NULL;
}

static int view_index(const char *name)
{
        for (int i = 0; dec->views[i].name; i++)
                if (strcmp(dec->views[i].name, name) == 0)
                        return i;
        return -1;
}

int main(void)
{
        pthread_t t[N_THREADS];
        struct kfs_entry *a, *b;
        bool made;
        uint32_t mask;
        char path[64];

        dec = kfs_registry_find("yaml");
        CHECK(dec && view_index("flat") == 0);          /* the test reads views[0] as .flat */
        test_tree("cache");
        test_sh("mkdir -p %s/etc/kubernetes", test_top);
        for (int i = 0; i < N_FILES; i++) {
                char rel[64], content[32];

                path_of(i, rel, sizeof(rel));
                snprintf(content, sizeof(content), "num: %d\n", i);
                test_put(rel, content);
        }
        if (kfs_root_init(&root, test_top) < 0)
                return 1;
        cache = kfs_cache_new(&root, 64u << 20, 0);

        /* one decode while fresh; a change makes a new one */
        path_of(1, path, sizeof(path));
        CHECK_INT(kfs_cache_get(cache, path, dec, 1000, &a, &made), 0);
        CHECK(made);
        CHECK_INT(kfs_cache_get(cache, path, dec, 1000, &b, &made), 0);
        CHECK(!made && a == b);
        kfs_cache_put(cache, b);
        test_sh("sleep 0.01");
        test_put(path, "num: changed\n");
        CHECK_INT(kfs_cache_get(cache, path, dec, 1000, &b, &made), 0);
        CHECK(made && b != a && b->gen != a->gen);
        CHECK_STR(b->res->views[0].data, "num = \"changed\"\n");
        /* the reader of the old decode still has it, whole */
        CHECK_STR(a->res->views[0].data, "num = 1\n");
        kfs_cache_put(cache, a);
        kfs_cache_put(cache, b);
        test_put(path, "num: 1\n");

        /* probes follow the file's type */
        CHECK_INT(kfs_cache_probe(cache, path, &mask, NULL), 0);
        CHECK(mask & (UINT32_C(1) << kfs_registry_index(dec)));

        /* threads */
        for (int i = 0; i < N_THREADS; i++)
                pthread_create(&t[i], NULL, reader, (void *) (intptr_t) i);
        for (int i = 0; i < N_THREADS; i++)
                pthread_join(t[i], NULL);

        /* the cap: a tiny cache keeps (almost) nothing, yet serves every read */
        kfs_cache_free(cache);
        cache = kfs_cache_new(&root, 1, 0);
        for (int i = 0; i < N_FILES; i++) {
                path_of(i, path, sizeof(path));
                CHECK_INT(kfs_cache_get(cache, path, dec, 1000, &a, &made), 0);
                kfs_cache_put(cache, a);
        }
        CHECK(kfs_cache_bytes(cache) <= 4096);
        kfs_cache_free(cache);
        kfs_root_release(&root);
        test_sh("rm -rf %s", test_top);
        return test_exit();
}
