/* The kind-independent term list; see include/authtxt/term.h. */
#include "authtxt/term.h"

#include <stdlib.h>
#include <string.h>

void term_list_init(struct term_list *list)
{
    list->items = NULL;
    list->count = list->cap = 0;
    list->oom = false;
}

void term_list_reset(struct term_list *list)
{
    list->count = 0;
    list->oom = false;
}

void term_list_free(struct term_list *list)
{
    free(list->items);
    term_list_init(list);
}

struct record_term *term_list_add(struct term_list *list)
{
    if (list->count == list->cap) {
        size_t cap = list->cap ? list->cap * 2 : 16;
        struct record_term *p = realloc(list->items, cap * sizeof *p);
        if (!p) {
            list->oom = true;
            return NULL;
        }
        list->items = p;
        list->cap = cap;
    }
    struct record_term *t = &list->items[list->count++];
    memset(t, 0, sizeof *t);
    return t;
}
