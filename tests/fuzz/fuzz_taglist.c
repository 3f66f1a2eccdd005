/* Fuzz the tag=value list tokenizer (RFC 6376 §3.2).  Input: one flags
 * byte (bit 0: TAGLIST_ALLOW_FOLDING), then the text.  Invariants: tags in
 * order and not overlapping, name and value inside the tag, no CR/LF or
 * surrounding blanks where the flags forbid, bounded counts, problems with
 * spans inside the text and valid tag indices. */
#include "fuzz_common.h"

#include "authtxt/taglist.h"

static bool is_wsp(char c) { return c == ' ' || c == '\t'; }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned flags = (data[0] & 1) ? TAGLIST_ALLOW_FOLDING : 0;
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
    struct taglist list;

    taglist_init(&list);
    for (int round = 0; round < 2; round++) { /* twice: reuse must reset */
        if (!taglist_tokenize(&list, text, len, flags))
            break;
        fuzz_check(list.count <= TAGLIST_MAX_TAGS, "%zu tags", list.count);
        fuzz_check(list.nproblems <= TAGLIST_MAX_PROBLEMS, "%zu problems", list.nproblems);
        size_t prev = 0;
        for (size_t i = 0; i < list.count; i++) {
            const struct taglist_tag *t = &list.tags[i];
            fuzz_check_span(t->whole.start, t->whole.end, len, "tag");
            fuzz_check_span(t->name.start, t->name.end, len, "name");
            fuzz_check_span(t->value.start, t->value.end, len, "value");
            fuzz_check(t->whole.start >= prev, "tag %zu starts at %zu before %zu", i,
                       t->whole.start, prev);
            prev = t->whole.end;
            if (t->name.end > t->name.start)
                fuzz_check(t->name.start >= t->whole.start && t->name.end <= t->whole.end,
                           "tag %zu: name outside", i);
            if (t->value.end > t->value.start) {
                fuzz_check(t->value.start >= t->whole.start && t->value.end <= t->whole.end,
                           "tag %zu: value outside", i);
                fuzz_check(t->has_equals, "tag %zu: value without '='", i);
                fuzz_check(!is_wsp(text[t->value.start]) && !is_wsp(text[t->value.end - 1]),
                           "tag %zu: value not trimmed", i);
                fuzz_check(memchr(text + t->value.start, ';', t->value.end - t->value.start) ==
                               NULL,
                           "tag %zu: ';' inside a value", i);
            }
            if (t->whole.end > t->whole.start) {
                fuzz_check(!is_wsp(text[t->whole.start]) && !is_wsp(text[t->whole.end - 1]),
                           "tag %zu: whole not trimmed", i);
            }
            size_t n = taglist_find(&list, text, "v");
            fuzz_check(n == (size_t)-1 || n < list.count, "find %zu", n);
        }
        for (size_t i = 0; i < list.nproblems; i++) {
            const struct taglist_problem *p = &list.problems[i];
            fuzz_check(p->kind <= TAGLIST_TOO_MANY_TAGS, "problem %zu kind %d", i, (int)p->kind);
            fuzz_check_span(p->span.start, p->span.end, len, "problem");
            fuzz_check(p->tag_index == (size_t)-1 || p->tag_index < list.count,
                       "problem %zu tag %zu of %zu", i, p->tag_index, list.count);
        }
    }
    taglist_free(&list);
    return 0;
}
