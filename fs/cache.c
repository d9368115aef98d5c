/* SPDX-License-Identifier: Apache-2.0 */
#include "cache.h"
#include "hash.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PROBES_MAX 65536        /* remembered probes; all are dropped past this */

struct probe {
        char *path;
        struct stat st;
        uint32_t mask;
        uint64_t checked;               /* CLOCK_MONOTONIC ns of the last stat */
        struct probe *hnext;
};

struct kfs_cache {
        const struct kfs_root *root;
        size_t max_bytes, bytes;
        uint64_t recheck_ns;
        pthread_mutex_t lock;
        struct kfs_entry **table;
        size_t n_buckets, n_entries;
        struct kfs_entry *head, *tail;  /* LRU */
        uint64_t gen;
        uint64_t epoch;                 /* bumped by every invalidation */
        struct probe **probes;
        size_t n_probe_buckets, n_probes;
};

static uint64_t mono_ns(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}

static size_t entry_bucket(const struct kfs_cache *c, const char *path, const struct kfs_decoder *dec)
{
        return (size_t) (kfs_fnv64a_str(kfs_fnv64a_str(KFS_FNV64A_INIT, path), dec->name) % c->n_buckets);
}

struct kfs_cache *kfs_cache_new(const struct kfs_root *root, size_t max_bytes, unsigned recheck_ms)
{
        struct kfs_cache *c = calloc(1, sizeof(*c));

        if (!c)
                return NULL;
        c->root = root;
        c->max_bytes = max_bytes;
        c->recheck_ns = (uint64_t) recheck_ms * 1000000u;
        c->n_buckets = 4096;
        c->n_probe_buckets = 4096;
        c->table = calloc(c->n_buckets, sizeof(*c->table));
        c->probes = calloc(c->n_probe_buckets, sizeof(*c->probes));
        if (!c->table || !c->probes) {
                free(c->table);
                free(c->probes);
                free(c);
                return NULL;
        }
        pthread_mutex_init(&c->lock, NULL);
        return c;
}

static void entry_free(struct kfs_entry *e)
{
        kfs_result_free(e->res);
        free(e->path);
        free(e);
}

/* Takes `e` out of the table and LRU; drops the cache's reference. Locked. */
static void cache_unlink(struct kfs_cache *c, struct kfs_entry *e)
{
        struct kfs_entry **p = &c->table[entry_bucket(c, e->path, e->dec)];

        while (*p && *p != e)
                p = &(*p)->hnext;
        if (*p)
                *p = e->hnext;
        if (e->prev)
                e->prev->next = e->next;
        else
                c->head = e->next;
        if (e->next)
                e->next->prev = e->prev;
        else
                c->tail = e->prev;
        e->prev = e->next = e->hnext = NULL;
        e->cached = false;
        c->bytes -= e->res->bytes;
        c->n_entries--;
        if (--e->refs == 0)
                entry_free(e);
}

static void cache_touch(struct kfs_cache *c, struct kfs_entry *e)
{
        if (c->head == e)
                return;
        e->prev->next = e->next;
        if (e->next)
                e->next->prev = e->prev;
        else
                c->tail = e->prev;
        e->prev = NULL;
        e->next = c->head;
        c->head->prev = e;
        c->head = e;
}

static size_t probe_bucket(const struct kfs_cache *c, const char *relpath)
{
        return (size_t) (kfs_fnv64a_str(KFS_FNV64A_INIT, relpath) % c->n_probe_buckets);
}

/* Forgets the probe of `relpath` (in bucket b), if any. Locked. */
static void probe_drop(struct kfs_cache *c, size_t b, const char *relpath)
{
        for (struct probe **pp = &c->probes[b]; *pp; pp = &(*pp)->hnext) {
                if (strcmp((*pp)->path, relpath) == 0) {
                        struct probe *p = *pp;
                        *pp = p->hnext;
                        free(p->path);
                        free(p);
                        c->n_probes--;
                        return;
                }
        }
}

static void probes_clear(struct kfs_cache *c)
{
        for (size_t i = 0; i < c->n_probe_buckets; i++) {
                struct probe *p = c->probes[i];
                while (p) {
                        struct probe *next = p->hnext;
                        free(p->path);
                        free(p);
                        p = next;
                }
                c->probes[i] = NULL;
        }
        c->n_probes = 0;
}

void kfs_cache_clear(struct kfs_cache *c)
{
        pthread_mutex_lock(&c->lock);
        __atomic_add_fetch(&c->epoch, 1, __ATOMIC_RELEASE);
        while (c->head)
                cache_unlink(c, c->head);
        probes_clear(c);
        pthread_mutex_unlock(&c->lock);
}

void kfs_cache_free(struct kfs_cache *c)
{
        if (!c)
                return;
        kfs_cache_clear(c);
        pthread_mutex_destroy(&c->lock);
        free(c->table);
        free(c->probes);
        free(c);
}

void kfs_cache_put(struct kfs_cache *c, struct kfs_entry *e)
{
        if (!e)
                return;
        pthread_mutex_lock(&c->lock);
        if (--e->refs == 0)
                entry_free(e);
        pthread_mutex_unlock(&c->lock);
}

static struct kfs_entry *cache_find(struct kfs_cache *c, const char *path, const struct kfs_decoder *dec)
{
        for (struct kfs_entry *e = c->table[entry_bucket(c, path, dec)]; e; e = e->hnext)
                if (e->dec == dec && strcmp(e->path, path) == 0)
                        return e;
        return NULL;
}

int kfs_cache_get(struct kfs_cache *c, const char *relpath, const struct kfs_decoder *dec, time_t now,
                  struct kfs_entry **ret, bool *ret_made)
{
        struct kfs_entry *e, *old;
        struct kfs_result *res;
        int r;

        uint64_t t = mono_ns();
        bool recent = false;

        pthread_mutex_lock(&c->lock);
        e = cache_find(c, relpath, dec);
        if (e) {
                e->refs++;
                cache_touch(c, e);
                recent = t - __atomic_load_n(&e->checked, __ATOMIC_RELAXED) < c->recheck_ns;
        }
        pthread_mutex_unlock(&c->lock);
        if (e) {
                /* the stats run unlocked: other lookups go on meanwhile */
                if (now < e->res->valid_until && (recent || kfs_result_fresh(c->root, e->res, now))) {
                        if (!recent)
                                __atomic_store_n(&e->checked, t, __ATOMIC_RELAXED);
                        *ret = e;
                        *ret_made = false;
                        return 0;
                }
                pthread_mutex_lock(&c->lock);
                if (e->cached)
                        cache_unlink(c, e);
                if (--e->refs == 0)
                        entry_free(e);
                pthread_mutex_unlock(&c->lock);
        }

        /* a change reported while we decode may predate what we read: then the
         * result is not to be trusted without a check */
        uint64_t epoch = __atomic_load_n(&c->epoch, __ATOMIC_ACQUIRE);

        r = kfs_decode_path(c->root, relpath, dec, now, &res);
        if (r < 0)
                return r;
        e = calloc(1, sizeof(*e));
        if (!e || !(e->path = strdup(relpath))) {
                free(e);
                kfs_result_free(res);
                return -ENOMEM;
        }
        e->res = res;
        e->dec = dec;
        __atomic_store_n(&e->checked, t, __ATOMIC_RELAXED);
        e->refs = 2;            /* the cache's and the caller's */
        e->cached = true;

        pthread_mutex_lock(&c->lock);
        e->gen = ++c->gen;
        if (c->epoch != epoch)
                __atomic_store_n(&e->checked, 0, __ATOMIC_RELAXED);
        /* another thread may have decoded the same meanwhile: the newer wins */
        if ((old = cache_find(c, relpath, dec)))
                cache_unlink(c, old);
        size_t b = entry_bucket(c, relpath, dec);
        e->hnext = c->table[b];
        c->table[b] = e;
        e->next = c->head;
        if (c->head)
                c->head->prev = e;
        c->head = e;
        if (!c->tail)
                c->tail = e;
        c->bytes += res->bytes;
        c->n_entries++;
        /* the new entry stays even if alone it is over the cap: it is being read */
        while (c->bytes > c->max_bytes && c->tail != e)
                cache_unlink(c, c->tail);
        pthread_mutex_unlock(&c->lock);
        *ret = e;
        *ret_made = true;
        return 0;
}

/* Under the lock: drops every entry made from `path` (as source or
 * dependency), or with `prefix` from anything whose path starts so. */
static size_t cache_drop_made_from(struct kfs_cache *c, const char *path, bool prefix,
                                   void (*dropped)(const char *source, void *userdata), void *userdata)
{
        size_t len = strlen(path), n = 0;
        struct kfs_entry *e, *next;

        __atomic_add_fetch(&c->epoch, 1, __ATOMIC_RELEASE);
        for (e = c->head; e; e = next) {
                bool hit = false;

                next = e->next;
                for (size_t i = 0; i < e->res->n_deps && !hit; i++)
                        hit = prefix ? strncmp(e->res->deps[i].path, path, len) == 0
                                     : strcmp(e->res->deps[i].path, path) == 0;
                if (!hit)
                        continue;
                if (dropped)
                        dropped(e->path, userdata);
                cache_unlink(c, e);
                n++;
        }
        return n;
}

size_t kfs_cache_invalidate(struct kfs_cache *c, const char *relpath,
                            void (*dropped)(const char *source, void *userdata), void *userdata)
{
        size_t n;

        pthread_mutex_lock(&c->lock);
        n = cache_drop_made_from(c, relpath, false, dropped, userdata);
        probe_drop(c, probe_bucket(c, relpath), relpath);     /* and the probe of the file itself */
        pthread_mutex_unlock(&c->lock);
        return n;
}

size_t kfs_cache_invalidate_tree(struct kfs_cache *c, const char *prefix,
                                 void (*dropped)(const char *source, void *userdata), void *userdata)
{
        size_t len = strlen(prefix), n;

        pthread_mutex_lock(&c->lock);
        n = cache_drop_made_from(c, prefix, true, dropped, userdata);
        for (size_t b = 0; b < c->n_probe_buckets; b++) {
                for (struct probe **pp = &c->probes[b]; *pp;) {
                        struct probe *p = *pp;

                        if (strncmp(p->path, prefix, len) != 0) {
                                pp = &p->hnext;
                                continue;
                        }
                        *pp = p->hnext;
                        free(p->path);
                        free(p);
                        c->n_probes--;
                }
        }
        pthread_mutex_unlock(&c->lock);
        return n;
}

size_t kfs_cache_bytes(struct kfs_cache *c)
{
        size_t b;

        pthread_mutex_lock(&c->lock);
        b = c->bytes;
        pthread_mutex_unlock(&c->lock);
        return b;
}

int kfs_cache_probe(struct kfs_cache *c, const char *relpath, uint32_t *ret_mask, struct stat *ret_st)
{
        size_t b = probe_bucket(c, relpath);
        uint64_t t = mono_ns();
        struct stat st;
        struct probe *p;
        uint32_t mask;
        int r;

        /* checked a moment ago: trusted without a stat (the watcher drops it on change) */
        pthread_mutex_lock(&c->lock);
        for (p = c->probes[b]; p; p = p->hnext) {
                if (strcmp(p->path, relpath) == 0 && t - p->checked < c->recheck_ns) {
                        *ret_mask = p->mask;
                        if (ret_st)
                                *ret_st = p->st;
                        pthread_mutex_unlock(&c->lock);
                        return 0;
                }
        }
        pthread_mutex_unlock(&c->lock);

        r = kfs_root_stat(c->root, relpath, KFS_RESOLVE_FOLLOW, &st);
        if (r < 0)
                return r;
        if (ret_st)
                *ret_st = st;
        if (!S_ISREG(st.st_mode)) {
                *ret_mask = 0;
                return 0;
        }
        pthread_mutex_lock(&c->lock);
        for (p = c->probes[b]; p; p = p->hnext) {
                if (strcmp(p->path, relpath) == 0 && kfs_stat_same(&p->st, &st)) {
                        *ret_mask = p->mask;
                        p->checked = t;
                        pthread_mutex_unlock(&c->lock);
                        return 0;
                }
        }
        pthread_mutex_unlock(&c->lock);

        uint64_t epoch = __atomic_load_n(&c->epoch, __ATOMIC_ACQUIRE);

        r = kfs_probe_path(c->root, relpath, KFS_RESOLVE_FOLLOW, &mask, &st);
        if (r < 0)
                return r;
        p = malloc(sizeof(*p));
        if (p && !(p->path = strdup(relpath))) {
                free(p);
                p = NULL;
        }
        if (p) {
                p->st = st;
                p->mask = mask;
                pthread_mutex_lock(&c->lock);
                p->checked = c->epoch == epoch ? t : 0;
                if (c->n_probes >= PROBES_MAX)
                        probes_clear(c);
                probe_drop(c, b, relpath);
                p->hnext = c->probes[b];
                c->probes[b] = p;
                c->n_probes++;
                pthread_mutex_unlock(&c->lock);
        }
        *ret_mask = mask;
        if (ret_st)
                *ret_st = st;
        return 0;
}
