/* The tag=value list tokenizer shared by DKIM (RFC 6376 §3.2) and DMARC
 * (RFC 9989 §4.8, which borrows DKIM's syntax).
 *
 * It never gives up: every tag-spec it can find comes back with its spans,
 * and what is wrong comes back as problems with spans, for the caller to
 * turn into its own record kind's diagnostics.  Spans are byte offsets into
 * the caller's text, which the tokenizer borrows and never copies. */
#ifndef AUTHTXT_TAGLIST_H
#define AUTHTXT_TAGLIST_H

#include <stdbool.h>
#include <stddef.h>

struct span {
    size_t start, end; /* [start, end) byte offsets */
};

struct taglist_tag {
    struct span whole; /* the tag-spec without surrounding whitespace */
    struct span name;  /* empty when the spec has no name ("=x") */
    struct span value; /* trimmed of leading/trailing FWS; empty if "t=" */
    bool has_equals;   /* false for a bare word ("foo;") */
};

enum taglist_problem_kind {
    TAGLIST_MISSING_EQUALS,  /* "abc" with no '=' */
    TAGLIST_EMPTY_NAME,      /* "=abc" */
    TAGLIST_BAD_NAME,        /* name not ALPHA *(ALPHA / DIGIT / "_") */
    TAGLIST_BAD_VALUE_CHAR,  /* a byte outside VALCHAR/WSP in a value */
    TAGLIST_EMPTY_SPEC,      /* ";;" : an empty tag-spec before the end */
    TAGLIST_TOO_MANY_TAGS,   /* TAGLIST_MAX_TAGS reached; the rest skipped */
};

struct taglist_problem {
    enum taglist_problem_kind kind;
    struct span span; /* the offending bytes (for a bad char: that char) */
    size_t tag_index; /* index of the tag concerned, or (size_t)-1 */
};

/* Bounds against hostile input: a record never needs more. */
#define TAGLIST_MAX_TAGS 1024
#define TAGLIST_MAX_PROBLEMS 256

/* Caller-owned, reusable: taglist_tokenize resets it and keeps memory. */
struct taglist {
    struct taglist_tag *tags;
    size_t count, cap;
    struct taglist_problem *problems;
    size_t nproblems, problems_cap;
    size_t problems_dropped;
    bool oom;
};

enum taglist_flags {
    /* DKIM-Signature headers are folded: CRLF followed by WSP is FWS.
     * Without this flag a bare CR or LF is a bad character. */
    TAGLIST_ALLOW_FOLDING = 1 << 0,
};

void taglist_init(struct taglist *list);
void taglist_free(struct taglist *list);

/* Tokenize text[0..len).  O(len).  Returns false only when memory ran out
 * (list->oom is then set and the list holds what was found so far). */
bool taglist_tokenize(struct taglist *list, const char *text, size_t len, unsigned flags);

/* Compare the tag's name with `name` (ASCII, case-sensitive as RFC 6376
 * §3.2 says tag names are). */
bool taglist_name_is(const struct taglist_tag *tag, const char *text, const char *name);

/* Index of the first tag named `name`, or (size_t)-1. */
size_t taglist_find(const struct taglist *list, const char *text, const char *name);

#endif
