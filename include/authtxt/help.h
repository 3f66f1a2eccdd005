/* Explanations: one entry per tag, mechanism, modifier, qualifier and
 * enumerated value, keyed by a stable id ("spf.mech.include",
 * "dmarc.tag.p.reject").  The entries are written in the help/ sources and compiled
 * into the binary at build time (help/helpgen.c); the TUI, the CLI's
 * `explain` and the help browser all read them from here.  Static data. */
#ifndef AUTHTXT_HELP_H
#define AUTHTXT_HELP_H

#include <stddef.h>

struct help_entry {
    const char *id;        /* "dmarc.tag.p" */
    const char *title;     /* "p: policy for the domain" */
    const char *summary;   /* one sentence: what it does */
    const char *default_value; /* "" when there is no default */
    const char *values;    /* valid values, one line */
    const char *example;   /* "" when none */
    const char *rfc;       /* "RFC 9989 §4.7" */
    const char *mistakes;  /* common mistakes, "" when none */
    const char *body;      /* longer text, paragraphs separated by "\n\n" */
};

/* The entry with this id, or NULL.  O(log n). */
const struct help_entry *help_find(const char *id);
/* All entries, sorted by id, for the help browser. */
size_t help_count(void);
const struct help_entry *help_at(size_t index);

#endif
