/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The inode table: nodes by (parent, name), kept while the kernel holds a
 * reference (nlookup) or a child does. A node whose path now shows another
 * file type is replaced, not reused: the kernel marks an inode whose type
 * changes as bad, and the new file deserves a new inode.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs.h"

static uint64_t hash_bytes(uint64_t h, const void *p, size_t n)
{
        const unsigned char *b = p;

        for (size_t i = 0; i < n; i++)
                h = (h ^ b[i]) * 0x100000001b3ULL;
        return h;
}

static size_t node_bucket(size_t n_buckets, const struct node *parent, const char *name)
{
        uint64_t h = hash_bytes(0xcbf29ce484222325ULL, &parent, sizeof(parent));

        return (size_t) (hash_bytes(h, name, strlen(name)) % n_buckets);
}

int kfs_nodes_init(struct kfs_fs *fs)
{
        clock_gettime(CLOCK_REALTIME, &fs->started);
        fs->n_buckets = 1024;
        fs->table = calloc(fs->n_buckets, sizeof(*fs->table));
        if (!fs->table)
                return -ENOMEM;
        pthread_mutex_init(&fs->lock, NULL);
        fs->rootnode = (struct node) {
                .name = (char *) "",
                .path = (char *) "",
                .kind = NODE_REAL,
                .type = S_IFDIR,
                .nlookup = 1,
        };
        return 0;
}

static void node_free(struct node *n)
{
        free(n->name);
        free(n->path);
        free(n);
}

void kfs_nodes_release(struct kfs_fs *fs)
{
        /* children before parents does not matter here: everything goes */
        for (size_t i = 0; i < fs->n_buckets; i++) {
                struct node *n = fs->table[i];
                while (n) {
                        struct node *next = n->hnext;
                        node_free(n);
                        n = next;
                }
        }
        free(fs->table);
        fs->table = NULL;
        pthread_mutex_destroy(&fs->lock);
}

struct node *kfs_node_of(struct kfs_fs *fs, fuse_ino_t ino)
{
        return ino == FUSE_ROOT_ID ? &fs->rootnode : (struct node *) (uintptr_t) ino;
}

fuse_ino_t kfs_node_id(const struct kfs_fs *fs, const struct node *n)
{
        return n == &fs->rootnode ? FUSE_ROOT_ID : (fuse_ino_t) (uintptr_t) n;
}

struct node *kfs_node_find_locked(struct kfs_fs *fs, const struct node *parent, const char *name)
{
        for (struct node *n = fs->table[node_bucket(fs->n_buckets, parent, name)]; n; n = n->hnext)
                if (n->parent == parent && strcmp(n->name, name) == 0)
                        return n;
        return NULL;
}

static void node_unhash(struct kfs_fs *fs, struct node *n)
{
        struct node **pp = &fs->table[node_bucket(fs->n_buckets, n->parent, n->name)];

        while (*pp && *pp != n)
                pp = &(*pp)->hnext;
        if (*pp)
                *pp = n->hnext;
        n->hnext = NULL;
        n->hashed = false;
}

static void node_hash(struct kfs_fs *fs, struct node *n)
{
        size_t b = node_bucket(fs->n_buckets, n->parent, n->name);

        n->hnext = fs->table[b];
        fs->table[b] = n;
        n->hashed = true;
}

/* Doubles the table when chains grow long. */
static void nodes_grow(struct kfs_fs *fs)
{
        size_t nb = fs->n_buckets * 2;
        struct node **t = calloc(nb, sizeof(*t));

        if (!t)
                return;         /* longer chains, still correct */
        for (size_t i = 0; i < fs->n_buckets; i++) {
                struct node *n = fs->table[i];
                while (n) {
                        struct node *next = n->hnext;
                        size_t b = node_bucket(nb, n->parent, n->name);
                        n->hnext = t[b];
                        t[b] = n;
                        n = next;
                }
        }
        free(fs->table);
        fs->table = t;
        fs->n_buckets = nb;
}

uint64_t kfs_real_ino(dev_t dev, ino_t ino)
{
        uint64_t h = hash_bytes(0xcbf29ce484222325ULL, &dev, sizeof(dev));

        h = hash_bytes(h, &ino, sizeof(ino)) & ~(UINT64_C(1) << 63);
        return h > FUSE_ROOT_ID ? h : h + 2;
}

uint64_t kfs_node_path_ino(const char *path)
{
        /* views and reports: derived from the path, top bit set so it never
         * meets an inode number derived from ROOT's files */
        return hash_bytes(0xcbf29ce484222325ULL, path, strlen(path)) | (UINT64_C(1) << 63);
}

/* What a lookup learned about a node, set once when it is made. */
static void node_update(struct node *n, const struct node *init)
{
        n->vis = init->vis;
        n->dev = init->dev;
        n->boundary = init->boundary;
        n->view = init->view;
        n->report = init->report;
}

/* Whether node `n` is what `init` describes (kind and type compared by the caller). */
static bool node_same(const struct node *n, const struct node *init)
{
        return n->vis == init->vis && n->dev == init->dev && n->boundary == init->boundary &&
               n->view.dec == init->view.dec && n->view.view == init->view.view && n->report == init->report;
}

struct node *kfs_node_get(struct kfs_fs *fs, struct node *parent, const char *name, const struct node *init)
{
        mode_t type = init->type & S_IFMT;
        struct node *n;

        pthread_mutex_lock(&fs->lock);
        n = kfs_node_find_locked(fs, parent, name);
        if (n && n->kind == init->kind && n->type == type && node_same(n, init)) {
                n->nlookup++;
                pthread_mutex_unlock(&fs->lock);
                return n;
        }
        if (n)
                node_unhash(fs, n);     /* lives on until the kernel forgets it */
        n = calloc(1, sizeof(*n));
        if (!n || !(n->name = strdup(name)) ||
            asprintf(&n->path, "%s%s%s", parent->path, *parent->path ? "/" : "", name) < 0) {
                if (n)
                        free(n->name);
                free(n);
                pthread_mutex_unlock(&fs->lock);
                return NULL;
        }
        n->parent = parent;
        n->kind = init->kind;
        n->type = type;
        n->nlookup = 1;
        n->ino = kfs_node_path_ino(n->path);
        node_update(n, init);
        parent->children++;
        node_hash(fs, n);
        if (++fs->n_nodes > 2 * fs->n_buckets)
                nodes_grow(fs);
        pthread_mutex_unlock(&fs->lock);
        return n;
}

void kfs_node_forget(struct kfs_fs *fs, struct node *n, uint64_t nlookup)
{
        pthread_mutex_lock(&fs->lock);
        n->nlookup = n->nlookup > nlookup ? n->nlookup - nlookup : 0;
        /* free it, then any parent it was keeping */
        while (n != &fs->rootnode && n->nlookup == 0 && n->children == 0) {
                struct node *parent = n->parent;

                if (n->hashed)
                        node_unhash(fs, n);
                node_free(n);
                fs->n_nodes--;
                parent->children--;
                n = parent;
        }
        pthread_mutex_unlock(&fs->lock);
}

struct node *kfs_node_find_path_locked(struct kfs_fs *fs, const char *relpath)
{
        struct node *n = &fs->rootnode;
        char comp[NAME_MAX + 1];

        while (n && *relpath) {
                size_t len = strcspn(relpath, "/");

                if (len == 0 || len > NAME_MAX) {
                        relpath += len + (relpath[len] == '/');
                        if (len)
                                return NULL;
                        continue;
                }
                memcpy(comp, relpath, len);
                comp[len] = '\0';
                n = kfs_node_find_locked(fs, n, comp);
                relpath += len + (relpath[len] == '/');
        }
        return n;
}

void kfs_node_foreach_locked(struct kfs_fs *fs, void (*fn)(struct node *n, void *userdata), void *userdata)
{
        for (size_t i = 0; i < fs->n_buckets; i++)
                for (struct node *n = fs->table[i]; n; n = n->hnext)
                        fn(n, userdata);
}
