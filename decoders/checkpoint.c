/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Kubelet checkpoints (see checkpoint.h for the rules and their sources).
 *
 * The FNV checksums of the cpu, memory and device managers hash go-spew's
 * "%#v" printout of a Go struct (checksum.New -> hashutil.DeepHashObject ->
 * dump.ForHash: SortKeys, DisableMethods, SpewKeys). Rebuilding it takes
 * what encoding/json would have put in the struct and spew's rules:
 *   (*T){Field:(type)value ...}   a pointer at the top, then typed fields;
 *   map[k:v k:v]                  keys sorted, keys and values untyped;
 *   [a b]                         slices; []byte as decimal bytes;
 *   <*>{...}                      a pointer inside a map or slice;
 *   <nil>                         nil maps, slices and pointers;
 *   strings raw, numbers decimal.
 * encoding/json matches keys to fields case-insensitively, the last key
 * wins, `null` leaves strings and numbers alone and makes maps and slices
 * nil, and a field it does not see keeps what the kubelet put there first
 * (an empty map for the maps the kubelet makes before decoding).
 * The printout is hashed as it is made, never held in memory.
 */
#include "checkpoint.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "yflat.h"
#include "hash.h"

/* ---- names ---- */

enum kfs_ckpt kfs_ckpt_kind(const char *name)
{
        static const struct {
                const char *name;
                enum kfs_ckpt kind;
        } table[] = {
                { "cpu_manager_state", KFS_CKPT_CPU },
                { "memory_manager_state", KFS_CKPT_MEMORY },
                { "dra_manager_state", KFS_CKPT_DRA },
                { "allocated_pods_state", KFS_CKPT_PODS },
                { "actuated_pods_state", KFS_CKPT_PODS },
                { "pod_status_manager_state", KFS_CKPT_PODS },
                { "graceful_node_shutdown_state", KFS_CKPT_SHUTDOWN },
                { "kubelet_internal_checkpoint", KFS_CKPT_DEVICE },
        };

        for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
                if (strcmp(name, table[i].name) == 0)
                        return table[i].kind;
        return KFS_CKPT_NONE;
}

/* ---- hashes ---- */

/* ---- JSON as encoding/json reads it ---- */

static bool cj_null(const struct kfs_ynode *n)
{
        return n && n->type == KFS_YSCALAR && n->style == KFS_YPLAIN && strcmp(n->str, "null") == 0;
}

static bool cj_string(const struct kfs_ynode *n)
{
        return n && n->type == KFS_YSCALAR && n->style == KFS_YQUOTED;
}

/* A JSON integer: sign and magnitude. */
static bool cj_integer(const struct kfs_ynode *n, bool *neg, uint64_t *mag)
{
        const char *p;
        uint64_t v = 0;

        if (!n || n->type != KFS_YSCALAR || n->style != KFS_YPLAIN)
                return false;
        p = n->str;
        *neg = *p == '-';
        p += *neg;
        if (!*p)
                return false;
        for (; *p; p++) {
                if (*p < '0' || *p > '9' || v > (UINT64_MAX - (uint64_t) (*p - '0')) / 10)
                        return false;
                v = v * 10 + (uint64_t) (*p - '0');
        }
        *mag = v;
        return true;
}

static bool cj_uint(const struct kfs_ynode *n, uint64_t *ret)
{
        bool neg;

        return cj_integer(n, &neg, ret) && (!neg || *ret == 0);
}

/* The value of `key` in a JSON object as encoding/json picks it for a
 * struct field: the last key that equals it ignoring case. */
static struct kfs_ynode *cj_field(const struct kfs_ynode *obj, const char *key)
{
        struct kfs_ynode *v = NULL;

        if (!obj || obj->type != KFS_YMAP)
                return NULL;
        for (size_t i = 0; i < obj->n; i++) {
                const struct kfs_ynode *k = obj->items[2 * i];
                if (k->type == KFS_YSCALAR && strlen(k->str) == k->n && strcasecmp(k->str, key) == 0)
                        v = obj->items[2 * i + 1];
        }
        return v;
}

/* The index of that pair, or -1. */
static long cj_field_index(const struct kfs_ynode *obj, const char *key)
{
        long at = -1;

        for (size_t i = 0; obj && obj->type == KFS_YMAP && i < obj->n; i++) {
                const struct kfs_ynode *k = obj->items[2 * i];
                if (k->type == KFS_YSCALAR && strlen(k->str) == k->n && strcasecmp(k->str, key) == 0)
                        at = (long) i;
        }
        return at;
}

/* Whether every key of `obj` is one of `keys` (ignoring case). */
static bool cj_only(const struct kfs_ynode *obj, const char *const *keys)
{
        if (!obj || obj->type != KFS_YMAP)
                return false;
        for (size_t i = 0; i < obj->n; i++) {
                const struct kfs_ynode *k = obj->items[2 * i];
                bool known = false;

                for (size_t j = 0; keys[j] && !known; j++)
                        known = k->type == KFS_YSCALAR && strcasecmp(k->str, keys[j]) == 0;
                if (!known)
                        return false;
        }
        return true;
}

/* ---- go-spew ---- */

enum spew_kind {
        SPEW_STRING,
        SPEW_INT,
        SPEW_UINT,
        SPEW_ZERO,              /* the checksum field, zeroed before hashing */
        SPEW_MAP_STR,
        SPEW_MAP_INT,
        SPEW_SLICE,
        SPEW_BYTES,             /* []byte: base64 in JSON */
        SPEW_PTR,
        SPEW_STRUCT,
};

struct spew_field;

struct spew_type {
        enum spew_kind kind;
        const char *name;                       /* reflect's Type.String() */
        const struct spew_type *elem;           /* map value, slice element, pointee */
        const struct spew_field *fields;        /* SPEW_STRUCT, ends with { 0 } */
};

struct spew_field {
        const char *name;                       /* Go's field name */
        const struct spew_type *type;
        bool made;                              /* the kubelet makes it empty before decoding */
        const char *json;                       /* its JSON key (ignoring case) if not `name` */
};

struct spew {
        uint32_t fnv;
        struct kfs_buf *text;                   /* a copy of the printout (tests), or NULL */
        unsigned long budget;                   /* nodes left to visit */
};

static void spew_put(struct spew *s, const char *p, size_t n)
{
        s->fnv = kfs_fnv32a(s->fnv, p, n);
        if (s->text)
                kfs_buf_addn(s->text, p, n);
}

static void spew_puts(struct spew *s, const char *p)
{
        spew_put(s, p, strlen(p));
}

static void spew_putu(struct spew *s, bool neg, uint64_t v)
{
        char buf[24];

        snprintf(buf, sizeof(buf), "%s%llu", neg && v ? "-" : "", (unsigned long long) v);
        spew_puts(s, buf);
}

static int spew_value(struct spew *s, const struct spew_type *t, const struct kfs_ynode *v,
                      bool made, bool typed);

struct spew_entry {
        const struct kfs_ynode *key, *value;
        bool neg;
        uint64_t mag;           /* SPEW_MAP_INT keys */
        size_t at;
};

static int spew_entry_cmp(const void *a, const void *b, void *arg)
{
        const struct spew_entry *x = a, *y = b;
        const bool *by_int = arg;
        int c = 0;

        if (*by_int) {
                if (x->neg != y->neg)
                        c = x->neg ? -1 : 1;
                else if (x->mag != y->mag)
                        c = (x->mag < y->mag) != x->neg ? -1 : 1;
        } else {
                size_t n = x->key->n < y->key->n ? x->key->n : y->key->n;
                c = memcmp(x->key->str, y->key->str, n);
                if (c == 0 && x->key->n != y->key->n)
                        c = x->key->n < y->key->n ? -1 : 1;
        }
        return c ? c : x->at < y->at ? -1 : x->at > y->at;
}

static bool spew_same_key(const struct spew_entry *a, const struct spew_entry *b, bool by_int)
{
        if (by_int)
                return a->neg == b->neg && a->mag == b->mag;
        return a->key->n == b->key->n && memcmp(a->key->str, b->key->str, a->key->n) == 0;
}

static int spew_map(struct spew *s, const struct spew_type *t, const struct kfs_ynode *v)
{
        bool by_int = t->kind == SPEW_MAP_INT, first = true;
        struct spew_entry *e;
        int r = 0;

        if (v->type != KFS_YMAP)
                return -EINVAL;
        e = calloc(v->n ? v->n : 1, sizeof(*e));
        if (!e)
                return -ENOMEM;
        for (size_t i = 0; i < v->n; i++) {
                e[i] = (struct spew_entry) { v->items[2 * i], v->items[2 * i + 1], false, 0, i };
                if (by_int) {
                        /* strconv.ParseInt(key, 10, 64) */
                        struct kfs_ynode k = *e[i].key;
                        const char *p = k.str;

                        k.style = KFS_YPLAIN;
                        k.str = p + (*p == '+');
                        if (!cj_integer(&k, &e[i].neg, &e[i].mag) ||
                            e[i].mag > (uint64_t) INT64_MAX + e[i].neg) {
                                free(e);
                                return -EINVAL;
                        }
                }
        }
        qsort_r(e, v->n, sizeof(*e), spew_entry_cmp, &by_int);
        spew_puts(s, "map[");
        for (size_t i = 0; i < v->n && r == 0; i++) {
                /* the last of equal keys wins */
                if (i + 1 < v->n && spew_same_key(&e[i], &e[i + 1], by_int))
                        continue;
                if (!first)
                        spew_puts(s, " ");
                first = false;
                if (by_int)
                        spew_putu(s, e[i].neg, e[i].mag);
                else
                        spew_put(s, e[i].key->str, e[i].key->n);
                spew_puts(s, ":");
                r = spew_value(s, t->elem, e[i].value, false, false);
        }
        free(e);
        spew_puts(s, "]");
        return r;
}

/* base64 (encoding/json's []byte): the decimal bytes, streamed. */
static int spew_bytes(struct spew *s, const struct kfs_ynode *v)
{
        static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        uint32_t acc = 0;
        unsigned bits = 0;
        size_t n = v->n, pad = 0;
        bool first = true;

        while (n && v->str[n - 1] == '=' && pad < 2)
                n--, pad++;
        if ((n + pad) % 4)
                return -EINVAL;
        spew_puts(s, "[");
        for (size_t i = 0; i < n; i++) {
                const char *c = v->str[i] ? strchr(alphabet, v->str[i]) : NULL;

                if (!c)
                        return -EINVAL;
                acc = acc << 6 | (uint32_t) (c - alphabet);
                bits += 6;
                if (bits >= 8) {
                        bits -= 8;
                        if (!first)
                                spew_puts(s, " ");
                        first = false;
                        spew_putu(s, false, (acc >> bits) & 0xff);
                }
        }
        spew_puts(s, "]");
        return 0;
}

static int spew_value(struct spew *s, const struct spew_type *t, const struct kfs_ynode *v,
                      bool made, bool typed)
{
        bool null = cj_null(v), neg = false;
        uint64_t u = 0;
        int r = 0;

        if (s->budget-- == 0)
                return -E2BIG;
        if (t->kind == SPEW_PTR) {
                if (!v || null) {
                        spew_puts(s, "<nil>");
                        return 0;
                }
                if (typed) {
                        spew_puts(s, "(*");
                        spew_puts(s, t->elem->name);
                        spew_puts(s, ")");
                } else {
                        spew_puts(s, "<*>");
                }
                return spew_value(s, t->elem, v, false, false);
        }
        if (typed) {
                spew_puts(s, "(");
                spew_puts(s, t->name);
                spew_puts(s, ")");
        }
        switch (t->kind) {
        case SPEW_STRING:
                if (v && !null) {
                        if (!cj_string(v))
                                return -EINVAL;
                        spew_put(s, v->str, v->n);
                }
                return 0;
        case SPEW_INT:
        case SPEW_UINT:
                if (v && !null) {
                        if (!cj_integer(v, &neg, &u) || (neg && t->kind == SPEW_UINT && u) ||
                            (t->kind == SPEW_INT && u > (uint64_t) INT64_MAX + neg))
                                return -EINVAL;
                }
                spew_putu(s, neg, u);
                return 0;
        case SPEW_ZERO:
                spew_puts(s, "0");
                return 0;
        case SPEW_MAP_STR:
        case SPEW_MAP_INT:
                if (!v && made)
                        spew_puts(s, "map[]");
                else if (!v || null)
                        spew_puts(s, "<nil>");
                else
                        r = spew_map(s, t, v);
                return r;
        case SPEW_SLICE:
                if (!v && made) {
                        spew_puts(s, "[]");
                        return 0;
                }
                if (!v || null) {
                        spew_puts(s, "<nil>");
                        return 0;
                }
                if (v->type != KFS_YSEQ)
                        return -EINVAL;
                spew_puts(s, "[");
                for (size_t i = 0; i < v->n && r == 0; i++) {
                        if (i)
                                spew_puts(s, " ");
                        r = spew_value(s, t->elem, v->items[i], false, false);
                }
                spew_puts(s, "]");
                return r;
        case SPEW_BYTES:
                if (!v || null) {
                        spew_puts(s, "<nil>");
                        return 0;
                }
                return cj_string(v) ? spew_bytes(s, v) : -EINVAL;
        case SPEW_STRUCT:
                if (v && !null && v->type != KFS_YMAP)
                        return -EINVAL;
                spew_puts(s, "{");
                for (const struct spew_field *f = t->fields; f->name && r == 0; f++) {
                        if (f != t->fields)
                                spew_puts(s, " ");
                        spew_puts(s, f->name);
                        spew_puts(s, ":");
                        r = spew_value(s, f->type, cj_field(v, f->json ? f->json : f->name), f->made, true);
                }
                spew_puts(s, "}");
                return r;
        case SPEW_PTR:
        default:
                return -EINVAL;
        }
}

/* The kubelet's structs, as far as their printout goes. */
static const struct spew_type T_STRING = { SPEW_STRING, "string", NULL, NULL };
static const struct spew_type T_INT = { SPEW_INT, "int", NULL, NULL };
static const struct spew_type T_UINT64 = { SPEW_UINT, "uint64", NULL, NULL };
static const struct spew_type T_CHECKSUM = { SPEW_ZERO, "checksum.Checksum", NULL, NULL };
static const struct spew_type T_RESNAME = { SPEW_STRING, "v1.ResourceName", NULL, NULL };
static const struct spew_type T_INTS = { SPEW_SLICE, "[]int", &T_INT, NULL };
static const struct spew_type T_STRINGS = { SPEW_SLICE, "[]string", &T_STRING, NULL };
static const struct spew_type T_BYTES = { SPEW_BYTES, "[]uint8", NULL, NULL };

/* cpumanager/state: CPUManagerCheckpoint (v2) and v1, whose name the
 * kubelet rewrites to CPUManagerCheckpoint before hashing */
static const struct spew_type T_MAP_SS = { SPEW_MAP_STR, "map[string]string", &T_STRING, NULL };
static const struct spew_type T_MAP_SMSS = { SPEW_MAP_STR, "map[string]map[string]string", &T_MAP_SS, NULL };
static const struct spew_field cpu_v2_fields[] = {
        { "PolicyName", &T_STRING, false, NULL },
        { "DefaultCPUSet", &T_STRING, false, NULL },
        { "Entries", &T_MAP_SMSS, true, NULL },
        { "Checksum", &T_CHECKSUM, false, NULL },
        { NULL, NULL, false, NULL },
};
static const struct spew_field cpu_v1_fields[] = {
        { "PolicyName", &T_STRING, false, NULL },
        { "DefaultCPUSet", &T_STRING, false, NULL },
        { "Entries", &T_MAP_SS, true, NULL },
        { "Checksum", &T_CHECKSUM, false, NULL },
        { NULL, NULL, false, NULL },
};
static const struct spew_type T_CPU_V2 = { SPEW_STRUCT, "state.CPUManagerCheckpoint", NULL, cpu_v2_fields };
static const struct spew_type T_CPU_V1 = { SPEW_STRUCT, "state.CPUManagerCheckpoint", NULL, cpu_v1_fields };
static const struct spew_type T_CPU_V2_PTR = { SPEW_PTR, NULL, &T_CPU_V2, NULL };
static const struct spew_type T_CPU_V1_PTR = { SPEW_PTR, NULL, &T_CPU_V1, NULL };

/* memorymanager/state: MemoryManagerCheckpoint */
static const struct spew_field memtable_fields[] = {
        { "TotalMemSize", &T_UINT64, false, "total" },
        { "SystemReserved", &T_UINT64, false, NULL },
        { "Allocatable", &T_UINT64, false, NULL },
        { "Reserved", &T_UINT64, false, NULL },
        { "Free", &T_UINT64, false, NULL },
        { NULL, NULL, false, NULL },
};
static const struct spew_type T_MEMTABLE = { SPEW_STRUCT, "state.MemoryTable", NULL, memtable_fields };
static const struct spew_type T_MEMTABLE_PTR = { SPEW_PTR, NULL, &T_MEMTABLE, NULL };
static const struct spew_type T_MEMMAP = { SPEW_MAP_STR, "map[v1.ResourceName]*state.MemoryTable", &T_MEMTABLE_PTR, NULL };
static const struct spew_field numanode_fields[] = {
        { "NumberOfAssignments", &T_INT, false, NULL },
        { "MemoryMap", &T_MEMMAP, false, NULL },
        { "Cells", &T_INTS, false, NULL },
        { NULL, NULL, false, NULL },
};
static const struct spew_type T_NUMANODE = { SPEW_STRUCT, "state.NUMANodeState", NULL, numanode_fields };
static const struct spew_type T_NUMANODE_PTR = { SPEW_PTR, NULL, &T_NUMANODE, NULL };
static const struct spew_type T_NUMAMAP = { SPEW_MAP_INT, "state.NUMANodeMap", &T_NUMANODE_PTR, NULL };
static const struct spew_field block_fields[] = {
        { "NUMAAffinity", &T_INTS, false, NULL },
        { "Type", &T_RESNAME, false, NULL },
        { "Size", &T_UINT64, false, NULL },
        { NULL, NULL, false, NULL },
};
static const struct spew_type T_BLOCK = { SPEW_STRUCT, "state.Block", NULL, block_fields };
static const struct spew_type T_BLOCKS = { SPEW_SLICE, "[]state.Block", &T_BLOCK, NULL };
static const struct spew_type T_MAP_BLOCKS = { SPEW_MAP_STR, "map[string][]state.Block", &T_BLOCKS, NULL };
static const struct spew_type T_ASSIGNMENTS = { SPEW_MAP_STR, "state.ContainerMemoryAssignments", &T_MAP_BLOCKS, NULL };
static const struct spew_field memory_fields[] = {
        { "PolicyName", &T_STRING, false, NULL },
        { "MachineState", &T_NUMAMAP, true, NULL },
        { "Entries", &T_ASSIGNMENTS, true, NULL },
        { "Checksum", &T_CHECKSUM, false, NULL },
        { NULL, NULL, false, NULL },
};
static const struct spew_type T_MEMORY = { SPEW_STRUCT, "state.MemoryManagerCheckpoint", NULL, memory_fields };
static const struct spew_type T_MEMORY_PTR = { SPEW_PTR, NULL, &T_MEMORY, NULL };

/* devicemanager/checkpoint: the checksum covers Data (a checkpointData value) */
static const struct spew_type T_DEVS_PER_NUMA = { SPEW_MAP_INT, "checkpoint.DevicesPerNUMA", &T_STRINGS, NULL };
static const struct spew_field entry_fields[] = {
        { "PodUID", &T_STRING, false, NULL },
        { "ContainerName", &T_STRING, false, NULL },
        { "ResourceName", &T_STRING, false, NULL },
        { "DeviceIDs", &T_DEVS_PER_NUMA, false, NULL },
        { "AllocResp", &T_BYTES, false, NULL },
        { NULL, NULL, false, NULL },
};
static const struct spew_type T_ENTRY = { SPEW_STRUCT, "checkpoint.PodDevicesEntry", NULL, entry_fields };
static const struct spew_type T_ENTRIES = { SPEW_SLICE, "[]checkpoint.PodDevicesEntry", &T_ENTRY, NULL };
static const struct spew_type T_REGISTERED = { SPEW_MAP_STR, "map[string][]string", &T_STRINGS, NULL };
static const struct spew_field device_fields[] = {
        { "PodDeviceEntries", &T_ENTRIES, true, NULL },
        { "RegisteredDevices", &T_REGISTERED, true, NULL },
        { NULL, NULL, false, NULL },
};
static const struct spew_type T_DEVICE = { SPEW_STRUCT, "checkpoint.checkpointData", NULL, device_fields };

/* FNV-32a of the printout of `v` as type `t`; -EINVAL when encoding/json
 * would not have read `v` into that type. */
static int spew_fnv(const struct spew_type *t, const struct kfs_ynode *v, uint32_t *ret)
{
        struct spew s = { .fnv = KFS_FNV32A_INIT, .budget = KFS_YDOC_MAX_NODES };
        int r = spew_value(&s, t, v, false, true);

        if (r == 0)
                *ret = s.fnv;
        return r;
}

/* ---- checking and rewriting ---- */

struct ckpt {
        struct kfs_ydoc *doc;
        struct kfs_ckpt_state *st;
        struct kfs_buf *notes;
};

static void ckpt_note_key(struct ckpt *c, const struct kfs_ynode *obj, long at)
{
        const struct kfs_ynode *k = obj->items[2 * at];

        kfs_buf_add(c->notes, "# ");
        kfs_yflat_key(c->notes, k->str, k->n, true);
}

/* "# KEY: ok (RULE)" / mismatch / not set */
static void ckpt_note_sum(struct ckpt *c, const struct kfs_ynode *obj, const char *key, uint32_t want,
                          const char *rule)
{
        long at = cj_field_index(obj, key);
        uint64_t have = 0;

        if (at < 0) {
                kfs_buf_addf(c->notes, "# %s: missing (it would be %s: %lu)\n", key, rule, (unsigned long) want);
                return;
        }
        ckpt_note_key(c, obj, at);
        if (!cj_uint(obj->items[2 * at + 1], &have))
                kfs_buf_addf(c->notes, ": mismatch (not a number; %s is %lu)\n", rule, (unsigned long) want);
        else if (have == want)
                kfs_buf_addf(c->notes, ": ok (%s)\n", rule);
        else
                kfs_buf_addf(c->notes, ": mismatch (%s is %lu; the kubelet refuses this file)\n",
                             rule, (unsigned long) want);
}

static void ckpt_note_unverified(struct ckpt *c, const struct kfs_ynode *obj, const char *key, const char *why)
{
        long at = cj_field_index(obj, key);

        if (at >= 0)
                ckpt_note_key(c, obj, at);
        else
                kfs_buf_addf(c->notes, "# %s", key);
        kfs_buf_addf(c->notes, ": not verified (%s)\n", why);
}

/* FNV-32a of "(string)" + the string under `key`: checksum.New(string). */
static bool ckpt_fnv_string(const struct kfs_ynode *obj, const char *key, uint32_t *ret)
{
        const struct kfs_ynode *v = cj_field(obj, key);

        if (!cj_string(v))
                return false;
        *ret = kfs_fnv32a(kfs_fnv32a(KFS_FNV32A_INIT, "(string)", 8), v->str, v->n);
        return true;
}

/* Puts the JSON document held in the string under `key` in its place. */
static int ckpt_unwrap(struct ckpt *c, struct kfs_ynode *obj, const char *key)
{
        long at = cj_field_index(obj, key);
        struct kfs_ydoc *sub = NULL, **subs;
        struct kfs_ynode *v;
        char err[160];
        int r;

        if (at < 0 || !cj_string(v = obj->items[2 * at + 1]))
                return 0;
        r = kfs_ydoc_parse(v->str, v->n, &sub, err, sizeof(err));
        if (r == -ENOMEM)
                return r;
        if (r < 0 || !sub->json || sub->n_docs != 1 || sub->docs[0]->type == KFS_YSCALAR) {
                ckpt_note_key(c, obj, at);
                kfs_buf_addf(c->notes, ": a string that is not a JSON object or array%s%s, shown as is\n",
                             r < 0 ? ": " : "", r < 0 ? err : "");
                kfs_ydoc_free(sub);
                return 0;
        }
        subs = realloc(c->st->subdocs, (c->st->n_subdocs + 1) * sizeof(*subs));
        if (!subs) {
                kfs_ydoc_free(sub);
                return -ENOMEM;
        }
        c->st->subdocs = subs;
        subs[c->st->n_subdocs++] = sub;
        obj->items[2 * at + 1] = sub->docs[0];
        ckpt_note_key(c, obj, at);
        kfs_buf_add(c->notes, ": JSON text in a string, shown decoded\n");
        return 0;
}

/* Replaces the base64 protobuf under `key` by "protobuf, N bytes, sha256:HEX";
 * *ret_done says whether there was one. */
static int ckpt_blob(struct ckpt *c, struct kfs_ynode *obj, const char *key, bool *ret_done)
{
        static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        long at = cj_field_index(obj, key);
        unsigned char md[EVP_MAX_MD_SIZE], *bytes;
        unsigned int md_len = 0;
        struct kfs_ynode *v, *repl;
        size_t n = 0, len, pad = 0;
        uint32_t acc = 0;
        unsigned bits = 0;
        char text[128];
        bool ok = true;

        if (at < 0 || !cj_string(v = obj->items[2 * at + 1]))
                return 0;
        len = v->n;
        while (len && v->str[len - 1] == '=' && pad < 2)
                len--, pad++;
        bytes = malloc(len * 3 / 4 + 1);
        if (!bytes)
                return -ENOMEM;
        for (size_t i = 0; i < len && ok; i++) {
                const char *p = v->str[i] ? strchr(alphabet, v->str[i]) : NULL;

                ok = p != NULL;
                acc = acc << 6 | (uint32_t) (ok ? p - alphabet : 0);
                bits += 6;
                if (bits >= 8) {
                        bits -= 8;
                        bytes[n++] = (unsigned char) (acc >> bits);
                }
        }
        ok = ok && (len + pad) % 4 == 0 && EVP_Digest(bytes, n, md, &md_len, EVP_sha256(), NULL);
        free(bytes);
        if (ok) {
                int k = snprintf(text, sizeof(text), "protobuf, %zu bytes, sha256:", n);
                for (unsigned i = 0; i < md_len && k + 3 < (int) sizeof(text); i++)
                        k += snprintf(text + k, sizeof(text) - (size_t) k, "%02x", md[i]);
        } else {
                snprintf(text, sizeof(text), "not base64, %zu characters", (size_t) v->n);
        }
        repl = kfs_ydoc_new_scalar(c->doc, text);
        if (!repl)
                return -ENOMEM;
        obj->items[2 * at + 1] = repl;
        *ret_done = true;
        return 0;
}

static void ckpt_spew_note(struct ckpt *c, const struct kfs_ynode *root, const char *key,
                           const struct spew_type *t, const struct spew_type *alt,
                           const struct kfs_ynode *v, const char *what)
{
        uint32_t h = 0, h2 = 0;
        char rule[128];
        uint64_t have;
        int r = spew_fnv(t, v, &h);

        if (r == -EINVAL && alt)
                r = spew_fnv(alt, v, &h);
        else if (r == 0 && alt && cj_uint(cj_field(root, key), &have) && have != h &&
                 spew_fnv(alt, v, &h2) == 0 && have == h2)
                h = h2;         /* empty entries read as either version */
        if (r < 0) {
                ckpt_note_unverified(c, root, key, "its fields do not have the types the kubelet reads");
                return;
        }
        snprintf(rule, sizeof(rule), "FNV-32a of the kubelet's printout of its %s", what);
        ckpt_note_sum(c, root, key, h, rule);
}

/* cpu_manager_state and memory_manager_state share their newer layouts. */
static int ckpt_manager(struct ckpt *c, struct kfs_ynode *root, enum kfs_ckpt kind)
{
        static const char *const cpu_keys[] = { "policyName", "defaultCpuSet", "entries", "checksum", NULL };
        static const char *const mem_keys[] = { "policyName", "machineState", "entries", "checksum", NULL };
        const struct kfs_ynode *entries = cj_field(root, "entries");
        uint64_t have = 1;
        uint32_t h;

        if (ckpt_fnv_string(root, "data", &h)) {
                /* newer kubelets: the payload is JSON text in "data" */
                if (cj_field(root, "dataChecksum")) {
                        ckpt_note_sum(c, root, "dataChecksum", h, "FNV-32a of \"(string)\" + data");
                        ckpt_note_unverified(c, root, "checksum", "the older copy of the state beside data");
                } else {
                        ckpt_note_sum(c, root, "checksum", h, "FNV-32a of \"(string)\" + data");
                }
                return ckpt_unwrap(c, root, "data");
        }
        if (cj_uint(cj_field(root, "checksum"), &have) && have == 0) {
                kfs_buf_add(c->notes, "# checksum: 0, not set (the kubelet accepts that)\n");
                return 0;
        }
        if (kind == KFS_CKPT_MEMORY) {
                if (!cj_only(root, mem_keys))
                        ckpt_note_unverified(c, root, "checksum", "a layout kubefs does not know");
                else
                        ckpt_spew_note(c, root, "checksum", &T_MEMORY_PTR, NULL, root, "MemoryManagerCheckpoint");
                return 0;
        }
        if (!cj_only(root, cpu_keys)) {
                ckpt_note_unverified(c, root, "checksum", "a layout kubefs does not know");
                return 0;
        }
        /* v1 maps containers to cpusets, v2 pods to containers to cpusets */
        bool v1 = false, v2 = false;
        for (size_t i = 0; entries && entries->type == KFS_YMAP && i < entries->n; i++) {
                v1 |= entries->items[2 * i + 1]->type == KFS_YSCALAR;
                v2 |= entries->items[2 * i + 1]->type == KFS_YMAP;
        }
        ckpt_spew_note(c, root, "checksum", v1 && !v2 ? &T_CPU_V1_PTR : &T_CPU_V2_PTR,
                       v1 || v2 ? NULL : &T_CPU_V1_PTR, root, "CPUManagerCheckpoint");
        return 0;
}

static int ckpt_device(struct ckpt *c, struct kfs_ynode *root)
{
        static const char *const top_keys[] = { "Data", "Checksum", "BootID", NULL };
        static const char *const data_keys[] = { "PodDeviceEntries", "RegisteredDevices", NULL };
        struct kfs_ynode *data = cj_field(root, "Data"), *entries = cj_field(data, "PodDeviceEntries");
        bool known = cj_only(root, top_keys) && (cj_null(data) || cj_only(data, data_keys)), noted = false;
        int r;

        /* kubelets before 1.20 kept DeviceIDs as a list (no NUMA nodes) */
        for (size_t i = 0; known && entries && entries->type == KFS_YSEQ && i < entries->n; i++) {
                const struct kfs_ynode *ids = cj_field(entries->items[i], "DeviceIDs");
                known = !ids || ids->type != KFS_YSEQ;
        }
        if (known)
                ckpt_spew_note(c, root, "Checksum", &T_DEVICE, NULL, data, "checkpointData");
        else
                ckpt_note_unverified(c, root, "Checksum", "a layout kubefs does not know");
        if (!entries || entries->type != KFS_YSEQ)
                return 0;
        for (size_t i = 0; i < entries->n; i++) {
                bool blob = false;

                if ((r = ckpt_blob(c, entries->items[i], "AllocResp", &blob)) < 0)
                        return r;
                if (blob && !noted) {
                        kfs_buf_add(c->notes, "# AllocResp in Data.PodDeviceEntries: base64 protobuf, "
                                    "shown as its size and SHA-256\n");
                        noted = true;
                }
        }
        return 0;
}

int kfs_ckpt_process(enum kfs_ckpt kind, struct kfs_ydoc *doc, struct kfs_ckpt_state *st,
                     struct kfs_buf *notes)
{
        struct ckpt c = { doc, st, notes };
        struct kfs_ynode *root = doc->n_docs == 1 ? doc->docs[0] : NULL;
        uint32_t h;
        int r;

        if (kind == KFS_CKPT_NONE || kind == KFS_CKPT_SHUTDOWN)
                return 0;
        if (doc->n_docs == 0) {
                kfs_buf_add(notes, "# an empty file: not a checkpoint the kubelet can read\n");
                return 0;
        }
        if (!root || root->type != KFS_YMAP || !doc->json) {
                kfs_buf_add(notes, "# not a kubelet checkpoint: a JSON object was expected\n");
                return 0;
        }
        switch (kind) {
        case KFS_CKPT_DRA:
                if (cj_string(cj_field(root, "Data"))) {
                        const struct kfs_ynode *d = cj_field(root, "Data");
                        ckpt_note_sum(&c, root, "Checksum", kfs_crc32(d->str, d->n), "CRC-32 IEEE of Data");
                        return ckpt_unwrap(&c, root, "Data");
                }
                /* kubelets before 1.33: {"version","entries","checksum"} */
                ckpt_note_unverified(&c, root, "checksum", "a layout kubefs does not know");
                return 0;
        case KFS_CKPT_PODS:
                if (!ckpt_fnv_string(root, "data", &h)) {
                        ckpt_note_unverified(&c, root, "checksum", "a layout kubefs does not know");
                        return 0;
                }
                ckpt_note_sum(&c, root, "checksum", h, "FNV-32a of \"(string)\" + data");
                if ((r = ckpt_unwrap(&c, root, "data")) < 0)
                        return r;
                /* v2: the pods as a protobuf PodList */
                struct kfs_ynode *d = cj_field(root, "data");
                bool blob = false;
                if (d && d->type == KFS_YMAP && (r = ckpt_blob(&c, d, "podList", &blob)) < 0)
                        return r;
                if (blob)
                        kfs_buf_add(notes, "# podList in data: base64 protobuf, shown as its size and SHA-256\n");
                return 0;
        case KFS_CKPT_CPU:
        case KFS_CKPT_MEMORY:
                return ckpt_manager(&c, root, kind);
        case KFS_CKPT_DEVICE:
                return ckpt_device(&c, root);
        default:
                return 0;
        }
}

void kfs_ckpt_release(struct kfs_ckpt_state *st)
{
        for (size_t i = 0; i < st->n_subdocs; i++)
                kfs_ydoc_free(st->subdocs[i]);
        free(st->subdocs);
        *st = (struct kfs_ckpt_state) { 0 };
}
