/* Bump allocator for parsed-record strings; see arena.h. */
#include "arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_BLOCK_MIN 4096
#define ARENA_ALIGN 16

struct arena_block {
    struct arena_block *next;
    size_t size, used;
    _Alignas(ARENA_ALIGN) unsigned char data[];
};

void arena_init(struct arena *a) { a->head = NULL; }

void arena_reset(struct arena *a)
{
    struct arena_block *keep = NULL, *b = a->head;
    while (b) {
        struct arena_block *next = b->next;
        if (!keep || b->size > keep->size) {
            if (keep)
                free(keep);
            keep = b;
        } else {
            free(b);
        }
        b = next;
    }
    if (keep) {
        keep->next = NULL;
        keep->used = 0;
    }
    a->head = keep;
}

void arena_free(struct arena *a)
{
    struct arena_block *b = a->head;
    while (b) {
        struct arena_block *next = b->next;
        free(b);
        b = next;
    }
    a->head = NULL;
}

void *arena_alloc(struct arena *a, size_t n)
{
    size_t need = (n + (ARENA_ALIGN - 1)) & ~(size_t)(ARENA_ALIGN - 1);
    if (need < n)
        return NULL;
    struct arena_block *b = a->head;
    if (!b || b->size - b->used < need) {
        size_t size = ARENA_BLOCK_MIN;
        while (size < need) {
            if (size > SIZE_MAX / 2)
                return NULL;
            size *= 2;
        }
        if (size > SIZE_MAX - sizeof(*b))
            return NULL;
        b = malloc(sizeof(*b) + size);
        if (!b)
            return NULL;
        b->size = size;
        b->used = 0;
        b->next = a->head;
        a->head = b;
    }
    void *p = b->data + b->used;
    b->used += need;
    return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
    if (n == SIZE_MAX)
        return NULL;
    char *p = arena_alloc(a, n + 1);
    if (!p)
        return NULL;
    if (n)
        memcpy(p, s, n);
    p[n] = '\0';
    return p;
}
