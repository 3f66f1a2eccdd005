/* The editor's shared state and the interfaces between its parts: the
 * application (app.c: layout, panes, dispatch), the tabs (one table of
 * operations each, like tig's struct view_ops: spf_tab.c, dkim_tab.c,
 * dmarc_tab.c, live_tab.c), the form engine the tabs compose with
 * (form.c), modal dialogs (dialog.c), the help browser (help_view.c) and
 * saving and loading (files.c).
 *
 * The TUI parses nothing: every record text goes to the core (drafts.h,
 * record.h and the per-kind editing calls), and every explanation comes
 * from the core's help entries and term descriptions. */
#ifndef AUTHTXT_TUI_APP_H
#define AUTHTXT_TUI_APP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>
#include <curses.h>

#include "authtxt/drafts.h"
#include "authtxt/record.h"
#include "authtxt/strbuf.h"
#include "tui.h"
#include "tui_draw.h"
#include "tui_edit.h"
#include "tui_keys.h"
#include "tui_loop.h"
#include "tui_term.h"

struct app;

/* ---------------------------------------------------------------------- */
/* What needs redrawing: handlers return these bits.                      */

enum {
    DIRTY_TABS = 1u << 0,
    DIRTY_COMPOSE = 1u << 1,
    DIRTY_EXPLAIN = 1u << 2,
    DIRTY_RECORD = 1u << 3,
    DIRTY_LINT = 1u << 4,
    DIRTY_STATUS = 1u << 5,
    DIRTY_LAYOUT = 1u << 6, /* windows must be rebuilt (resize) */
    DIRTY_OVERLAY = 1u << 7, /* a dialog or the help browser */
    /* Focus moved inside a tab: what follows focus. */
    DIRTY_FOCUS = DIRTY_COMPOSE | DIRTY_EXPLAIN | DIRTY_RECORD | DIRTY_STATUS,
    /* A draft's text changed. */
    DIRTY_CONTENT = DIRTY_FOCUS | DIRTY_LINT | DIRTY_TABS,
    DIRTY_ALL = 0xffu,
};

/* ---------------------------------------------------------------------- */
/* The form engine: the rows of a Compose pane.                           */

enum field_type {
    FIELD_HEADING = 0, /* a section title; not focusable */
    FIELD_INFO,        /* a line of text; not focusable */
    FIELD_TEXT,        /* a value edited in place (Enter) */
    FIELD_CHOICE,      /* one of choices[] (Left/Right/Space), or unset */
    FIELD_CHECKS,      /* a set of boxes (Left/Right pick one, Space ticks) */
    FIELD_BUTTON,      /* does something on Enter ("+ add an address") */
};

#define FIELD_MAX_CHOICES 6

struct field {
    enum field_type type;
    int id, sub;            /* the tab's identity of the row (tag, index) */
    char label[48];         /* "p", "include", "rua"; a button's text */
    size_t text_off, text_len; /* value text in the form's store */
    size_t hint_off, hint_len; /* dim text after the value ("default: r") */
    const char *choices[FIELD_MAX_CHOICES];
    int nchoices;
    int value;              /* CHOICE: index, -1 unset; CHECKS: bit mask */
    int def;                /* CHOICE: index of the default, -1 none */
    char qual;              /* SPF: the qualifier column, or '\0' */
    char right[12];         /* right-aligned note ("+1" lookups) */
    int severity;           /* worst diagnostic on this row, -1 none */
    bool has_span;          /* span: where the row is in the record text */
    size_t span_start, span_end;
    const char *help_id, *value_id; /* what the Explain pane shows */
    bool dim;               /* unset tag: value is the default */
    bool good;              /* INFO: good news (a usable key) */
    bool obsolete;          /* RFC 7489-only or obsolete tag */
    bool multiline;         /* its editor keeps pasted line breaks */
    bool big_editor;        /* edit in a dialog (pasted keys, signatures) */
};

struct form {
    struct field *fields;
    size_t count, cap;
    struct strbuf store;    /* texts of the fields */
    size_t sel;             /* focused field */
    int sub;                /* cursor inside a CHECKS/CHOICE row */
    int top;                /* first row shown */
    int rows_shown;         /* rows of the last draw (for paging) */
    bool editing;           /* an in-place editor is open on sel */
    bool edit_is_new;       /* Esc removes what was just added */
    struct lineedit edit;
    struct strbuf edit_orig; /* the value before editing (for Esc) */
    struct strbuf edit_msg;  /* why the value is not accepted, or "" */
    int edit_msg_sev;
    /* Where each choice/check was drawn (for mouse clicks). */
    struct { int row, x0, x1; size_t field; int choice; } hits[64];
    size_t nhits;
    int origin_y, origin_x; /* where the rows were drawn in the window */
};

void form_init(struct form *f);
void form_free(struct form *f);
/* Start rebuilding the rows; form_add returns a zeroed row (severity -1,
 * def -1, value -1) or NULL when out of memory. */
void form_begin(struct form *f);
struct field *form_add(struct form *f, enum field_type type, int id, int sub, const char *label);
void form_set_text(struct form *f, struct field *fld, const char *text, size_t len);
void form_set_hint(struct form *f, struct field *fld, const char *hint);
const char *form_text(const struct form *f, const struct field *fld, size_t *len);
/* Finish: put the focus back on the row with the same (id, sub) as
 * before, else the nearest focusable row. */
void form_end(struct form *f, int keep_id, int keep_sub);
struct field *form_current(struct form *f);
/* Move the focus to the row (id, sub); false when there is none. */
bool form_focus(struct form *f, int id, int sub);
/* Focus movement for UP/DOWN/NEXT/PREV/PAGE_UP/PAGE_DOWN/HOME/END.
 * Returns dirty bits, 0 when the action is not a movement. */
unsigned form_move(struct form *f, enum action act);
/* Draw the rows in a rows x cols area at (y, x) of w. */
void form_draw(struct form *f, WINDOW *w, int y, int x, int rows, int cols, bool focused);
/* A click at window cell (y, x): focuses the row; *choice is the choice
 * or box under the pointer (-1 none).  False when no row is there. */
bool form_click(struct form *f, int y, int x, int *choice);
/* Open the in-place editor on the focused row with text. */
void form_edit_start(struct form *f, const char *text, size_t len, bool is_new);
void form_edit_stop(struct form *f);
void form_edit_message(struct form *f, int severity, const char *msg);

/* ---------------------------------------------------------------------- */
/* Tabs: a table of operations each.                                      */

enum tab_id { TAB_SPF = 0, TAB_DKIM, TAB_DMARC, TAB_LIVE, TAB_COUNT };

/* What the Explain pane shows for the focus: built by the tab. */
struct explain {
    const char *help_id;   /* the term, tag or topic */
    const char *value_id;  /* the chosen value or qualifier, or NULL */
    struct strbuf here;    /* what it does in this record (core sentence) */
    struct strbuf note;    /* anything else: "not set: default relaxed" */
};

struct tab_ops {
    const char *name;      /* "SPF": the tab bar and the status line */
    enum keymap keymap;
    void *(*create)(struct app *a);
    void (*destroy)(void *st);
    /* The drafts changed outside the tab (load, raw edit): rebuild. */
    void (*reload)(struct app *a, void *st);
    /* The record the Record and Lint panes show (NULL: none). */
    const struct record *(*record)(struct app *a, void *st);
    /* Replace the record's text (raw edit): the tab hands it to the core. */
    void (*set_text)(struct app *a, void *st, const char *text, size_t len);
    /* Draw the Compose pane's contents in the rows x cols area at (y, x)
     * of w (inside the frame). */
    void (*draw)(struct app *a, void *st, WINDOW *w, int y, int x, int rows, int cols,
                 bool focused);
    /* Optional: draw the Record pane's inside instead of the record text
     * (the Live tab puts live and draft side by side).  False: the usual
     * drawing of record(). */
    bool (*draw_record)(struct app *a, void *st, WINDOW *w, int y, int x, int rows, int cols);
    /* An action, or a key (when editing, every key comes here first with
     * act == ACT_NONE).  Returns dirty bits; *handled false lets the app
     * apply its own meaning. */
    unsigned (*key)(struct app *a, void *st, enum action act, int key, bool fkey, bool more,
                    bool *handled);
    bool (*editing)(void *st);
    /* End of an input batch: apply what typing deferred (a paste arrives
     * as a burst of keys; the core sees the text once, not per key). */
    unsigned (*flush)(struct app *a, void *st);
    void (*explain)(struct app *a, void *st, struct explain *out);
    /* The span of the focused row in the record text, for highlighting. */
    bool (*focus_span)(struct app *a, void *st, size_t *start, size_t *end);
    /* Move the focus to the row a diagnostic span is about. */
    void (*goto_span)(struct app *a, void *st, size_t start, size_t end, enum rule_id rule);
    /* "term 3/7", "p": the status line's position token. */
    void (*position)(struct app *a, void *st, struct strbuf *out);
    /* A mouse click in the Compose pane (window cell). */
    unsigned (*click)(struct app *a, void *st, int y, int x);
};

extern const struct tab_ops spf_tab_ops;
extern const struct tab_ops dkim_tab_ops;
extern const struct tab_ops dmarc_tab_ops;
extern const struct tab_ops live_tab_ops;

/* ---------------------------------------------------------------------- */
/* Dialogs (dialog.c): one at a time, drawn over everything.              */

#define DIALOG_MAX_FIELDS 4
#define DIALOG_MAX_CHOICES 16

enum dialog_kind { DIALOG_NONE = 0, DIALOG_QUESTION, DIALOG_FORM, DIALOG_PICK, DIALOG_PASTE };

/* Called when the dialog ends: choice is the key of the answer (QUESTION),
 * the item index (PICK), 1 for Enter (FORM, PASTE), or -1 when cancelled.
 * Return false to keep the dialog open (e.g. the value is refused and
 * dialog_set_error said why). */
typedef bool (*dialog_done_fn)(struct app *a, int choice, void *ctx);

struct dialog {
    enum dialog_kind kind;
    char title[80];
    struct strbuf text;       /* the question or explanation */
    char answers[8];          /* QUESTION: accepted keys, e.g. "ync" */
    char answer_help[160];    /* "y Save  n Discard  Esc Cancel" */
    char labels[DIALOG_MAX_FIELDS][24];
    struct lineedit fields[DIALOG_MAX_FIELDS];
    int nfields, field;       /* FORM: fields and the focused one */
    const char *items[DIALOG_MAX_CHOICES];
    const char *item_notes[DIALOG_MAX_CHOICES];
    int nitems, item, item_top;
    char typed[16];           /* PICK: letters typed so far (type-ahead) */
    struct strbuf error;      /* shown under the fields */
    dialog_done_fn done;
    void *ctx;
};

void dialog_init(struct dialog *d);
void dialog_free(struct dialog *d);
void dialog_question(struct app *a, const char *title, const char *text, const char *answers,
                     const char *answer_help, dialog_done_fn done, void *ctx);
/* A form of up to DIALOG_MAX_FIELDS one-line fields; labels and initial
 * values are copied.  Read them in done() with dialog_field. */
void dialog_form(struct app *a, const char *title, const char *text, int nfields,
                 const char *const *labels, const char *const *values, dialog_done_fn done,
                 void *ctx);
/* A big multi-line paste box (keys, signatures). */
void dialog_paste(struct app *a, const char *title, const char *text, const char *initial,
                  dialog_done_fn done, void *ctx);
void dialog_pick(struct app *a, const char *title, const char *const *items,
                 const char *const *notes, int nitems, dialog_done_fn done, void *ctx);
const char *dialog_field(struct app *a, int i, size_t *len);
void dialog_set_error(struct app *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool dialog_open(const struct app *a);
unsigned dialog_key(struct app *a, int key, bool fkey, bool more);
void dialog_draw(struct app *a);
bool dialog_click(struct app *a, int y, int x);

/* ---------------------------------------------------------------------- */
/* The help browser (help_view.c).                                        */

struct help_view {
    bool open;
    size_t *match;          /* indexes of the entries shown; 0 is "Keys" */
    size_t nmatch;
    size_t sel;             /* index into match */
    int list_top, text_top, text_lines, text_rows;
    bool searching;
    struct lineedit search;
    struct doc doc;         /* the selected entry, laid out */
    size_t doc_for;         /* which entry doc holds (+1; 0 none) */
};

void help_view_init(struct help_view *h);
void help_view_free(struct help_view *h);
/* Open on the entry with this id (NULL: the key list). */
void help_view_open(struct app *a, const char *id);
unsigned help_view_key(struct app *a, int key, bool fkey, bool more);
void help_view_draw(struct app *a);
bool help_view_click(struct app *a, int y, int x);

/* ---------------------------------------------------------------------- */
/* Saving and loading (files.c).                                          */

/* Largest zone file --load and ^O read. */
#define FILES_MAX (16u << 20)

/* Read a whole file (at most FILES_MAX) into out.  False with a reason. */
bool files_read(const char *path, struct strbuf *out, struct strbuf *why);
/* Write data to path atomically: a temporary file in the same directory,
 * fsync, rename over path, fsync the directory.  An existing file is
 * replaced only when replace is true (else false with why = "exists").
 * The file keeps its permissions when it existed (0644 & ~umask when new). */
bool files_write_atomic(const char *path, const char *data, size_t len, bool replace,
                        struct strbuf *why);
/* Does path exist?  Its identity (device, inode, size, mtime) for "has
 * it changed since we read it". */
struct file_stamp {
    bool exists;
    dev_t dev;
    ino_t ino;
    off_t size;
    struct timespec mtime;
};
void files_stamp(const char *path, struct file_stamp *out);
bool files_stamp_equal(const struct file_stamp *a, const struct file_stamp *b);

/* The save and open flows (dialogs, questions, messages). */
void files_save_flow(struct app *a, bool then_quit);
void files_open_flow(struct app *a);
/* Load path into the drafts (start-up --load and ^O).  False with why. */
bool files_load(struct app *a, const char *path, struct strbuf *why);

/* Recovery (recover.c): unsaved drafts kept when the terminal goes away
 * or SIGTERM arrives, offered back at the next start. */
bool recover_save(struct app *a, int sig); /* no-op when nothing is unsaved */
void recover_offer(struct app *a);         /* a question when a file is there */

/* ---------------------------------------------------------------------- */
/* The application.                                                       */

enum focus_pane { FOCUS_COMPOSE = 0, FOCUS_LINT };

struct rect {
    int y, x, h, w;
};

struct layout {
    int cols, lines;
    bool too_small;
    struct rect tabs, compose, explain, record, lint, status;
};

#define APP_MIN_COLS 80
#define APP_MIN_LINES 24

/* One input event as read from curses. */
struct input_key {
    int key;
    bool fkey;
};

struct app {
    struct tui_options opts;
    struct loop loop;
    struct drafts drafts;
    enum tab_id tab;
    void *tab_state[TAB_COUNT];
    enum focus_pane focus;
    struct layout layout;
    WINDOW *win_tabs, *win_compose, *win_explain, *win_record, *win_lint, *win_status;
    WINDOW *win_overlay;     /* dialogs and the help browser */
    unsigned dirty;
    bool quit;
    int exit_status;

    /* Lint pane: the diagnostics shown (the tab's record, then the
     * cross-record ones on the draft tabs). */
    const struct diag **lint_items;
    size_t lint_count, lint_cap;
    size_t lint_cross_from;  /* items from here on are cross-record */
    size_t lint_sel;
    int lint_top;

    /* Raw edit of the whole record in the Record pane. */
    bool raw_editing;
    bool raw_pending;        /* typed text not yet given to the core */
    struct lineedit raw;
    struct strbuf raw_orig;

    struct explain explain;
    struct doc explain_doc;
    int explain_top;

    struct help_view help;
    struct dialog dialog;

    /* Save state: the zone text last saved or loaded, the file. */
    struct strbuf saved_zone;
    struct strbuf path;
    struct file_stamp stamp;
    bool modified;

    char message[256];
    enum ui_role message_role;
    long long message_until;
    unsigned message_timer;

    struct input_key *queue;
    size_t queue_len, queue_cap;

    struct strbuf scratch;   /* formatting, reused */
    long long started_ms;

    struct live *live;       /* live DNS (live.c); NULL until a fetch */
};

/* The active tab's operations and state. */
const struct tab_ops *app_tab_ops(const struct app *a, enum tab_id tab);
/* A draft was changed through the core (the tab already called
 * drafts_set_text): refresh what depends on it. */
unsigned app_draft_changed(struct app *a);
/* Set a draft's text through the core and refresh.  Returns dirty bits. */
unsigned app_set_draft(struct app *a, enum draft_slot slot, const char *text, size_t len);
/* The Lint pane's list again (the record shown changed or was freed). */
void app_refresh_lint(struct app *a);
/* All tabs re-read the drafts (after a load). */
void app_reload_tabs(struct app *a);
/* A one-line message on the status line for a few seconds. */
void app_message(struct app *a, enum ui_role role, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The zone text of the drafts now, and whether it differs from the saved. */
void app_update_modified(struct app *a);
/* Worst diagnostic severity in [start, end) of the current record, -1. */
int app_span_severity(const struct record *r, size_t start, size_t end);
/* Fill an Explain pane document from an explain description. */
void app_explain_doc(struct doc *d, const struct explain *e);
/* Switch tab. */
unsigned app_switch_tab(struct app *a, enum tab_id tab);
/* Tests: with AUTHTXT_TEST_DUMP=FILE, write the panes and drafts there
 * as JSON after each loop turn (testdump.c); a no-op otherwise. */
void testdump_turn(struct app *a);

#endif
