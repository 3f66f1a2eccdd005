/* The editor's shared state and the interfaces between its parts: the
 * application (app.c: layout, panes, dispatch), the tabs (one table of
 * operations each, like tig's struct view_ops: spf_tab.c, dkim_tab.c,
 * dmarc_tab.c, live_tab.c), the form engine the tabs compose with
 * (form.c) and the forms it generates from the core's tag schema
 * (schema_form.c), modal dialogs (dialog.c), the help browser
 * (help_view.c) and saving and loading (files.c).
 *
 * The TUI parses nothing and keeps no copy of a draft: the tabs read
 * a->drafts (text, terms, diagnostics, the core's typed model) and change
 * it only through drafts_* calls, which also keep the undo history; every
 * explanation comes from the core's help entries and term descriptions. */
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
    /* The edit as one undo step: a drafts group is open while the editor
     * is (form_edit_open), and Esc puts back the slot's text from before. */
    bool edit_grouped;
    int edit_slot;           /* enum draft_slot, or -1: no draft */
    struct strbuf edit_before; /* the slot's text when the editor opened */
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
/* The editor as one undoable step: form_edit_open opens a drafts group
 * labelled `label` (every value previewed while typing lands in it) and
 * the editor; form_edit_close ends the group, and unless keep, puts the
 * slot back as it was when the editor opened (one undo of the group).
 * slot < 0: the edit is not of a draft (no group). */
void form_edit_open(struct app *a, struct form *f, int slot, const char *label, const char *text,
                    size_t len, bool is_new);
unsigned form_edit_close(struct app *a, struct form *f, bool keep);

/* ---------------------------------------------------------------------- */
/* Forms generated from the core's tag schema (schema_form.c): the DMARC
 * and DKIM key record forms.  One row per schema row (schema.h), in its
 * order, under its group's heading: choices as radio buttons, FLAGS as
 * boxes, numbers and text edited in place, the default shown dimmed when
 * the tag is absent, RFC 7489-only and obsolete tags marked; then the
 * unknown and repeated tags of the record.  Rows read the draft
 * (a->drafts.rec[slot]) and every change goes through drafts_* calls.  A
 * tab adds only what is special through hooks (address lists, the key). */

enum {
    SF_ROW_TAG = 1,     /* sub: index of the schema row */
    SF_ROW_UNKNOWN,     /* sub: term index of an unknown or repeated tag */
    SF_ROW_GROUP,       /* headings and notes (not focusable) */
    SF_ROW_OWN = 16,    /* tabs number their own rows from here */
};

struct schema_form;
struct schema_tag;
struct explain;

struct schema_form_hooks {
    /* Rows before the generated ones (the DKIM view and selector). */
    void (*head_rows)(struct app *a, struct schema_form *sf);
    /* The rows of a tag the tab edits its own way (URI lists, the key);
     * term is the tag's first occurrence or NULL, index its term index. */
    void (*tag_rows)(struct app *a, struct schema_form *sf, const struct schema_tag *tag,
                     size_t tag_index, const struct record_term *term, size_t index);
    /* The tab's own editor target (sf->edit_own != 0): is text acceptable
     * (why says why not), and when apply, make it the draft's. */
    bool (*edit_apply)(struct app *a, struct schema_form *sf, const char *text, size_t len,
                       bool apply, struct diag_list *why);
};

struct schema_form {
    struct form form;
    enum draft_slot slot;
    const struct schema_form_hooks *hooks;
    void *tab;                 /* the tab's state, for the hooks */
    unsigned gen;              /* app drafts_gen the rows show */
    int first_id, first_sub;   /* the row focused at first (0: the first row) */
    int edit_own;              /* 0: editing schema tag edit_tag; else the tab's target */
    char edit_tag[64];
    bool pending;              /* typed text not yet given to the core */
    bool edit_valid;           /* the editor's text is acceptable */
    bool closing;              /* the editor is being closed with its value */
    struct diag_list why;
    struct strbuf buf;
};

void schema_form_init(struct schema_form *sf, enum draft_slot slot,
                      const struct schema_form_hooks *hooks, void *tab);
void schema_form_free(struct schema_form *sf);
/* Rebuild the rows when the drafts changed since the last build (or force). */
void schema_form_refresh(struct app *a, struct schema_form *sf, bool force);
/* The record the form edits. */
const struct record *schema_form_record(struct app *a, const struct schema_form *sf);
/* The schema row of a SF_ROW_TAG field, or NULL. */
const struct schema_tag *schema_form_tag_of(const struct schema_form *sf, const struct field *fld);
/* The term index of the first occurrence of tag name in the draft, or -1. */
long schema_form_term_of(struct app *a, const struct schema_form *sf, const char *name);
/* Fill a field's span and severity from term i of the draft. */
void schema_form_set_span(struct app *a, struct schema_form *sf, struct field *fld, size_t i);
/* An action on a generated row (choices, boxes, edit, unset).  *handled
 * false for rows the tab owns and actions that are not the form's. */
unsigned schema_form_action(struct app *a, struct schema_form *sf, enum action act,
                            bool *handled);
/* A click (window cell) on the form: focus, choice, box. */
unsigned schema_form_click(struct app *a, struct schema_form *sf, int y, int x, bool *handled);
/* Open the in-place editor: own 0 edits schema tag `tag`; else the tab's
 * target (hooks->edit_apply).  label names the undo step; NULL when the
 * edit is not of the draft's text (a name: applied once, on closing). */
unsigned schema_form_edit_open(struct app *a, struct schema_form *sf, int own, const char *tag,
                               const char *label, const char *text, size_t len, bool is_new);
/* The editor's key handling, flush, check and end (tab_ops glue). */
unsigned schema_form_edit_key(struct app *a, struct schema_form *sf, int key, bool fkey,
                              bool more, bool *handled);
unsigned schema_form_flush(struct app *a, struct schema_form *sf);
bool schema_form_edit_check(struct app *a, struct schema_form *sf, struct strbuf *why);
unsigned schema_form_edit_end(struct app *a, struct schema_form *sf, bool keep);
/* Explain the focused generated row; false when it is the tab's own. */
bool schema_form_explain(struct app *a, struct schema_form *sf, struct explain *out);
/* Focus the row whose span holds start; false when none does. */
bool schema_form_goto(struct app *a, struct schema_form *sf, size_t start);
/* "p", "unknown tag": the status line token of a generated row. */
bool schema_form_position(struct app *a, struct schema_form *sf, struct strbuf *out);

/* ---------------------------------------------------------------------- */
/* Tabs: a table of operations each.                                      */

enum tab_id { TAB_SPF = 0, TAB_DKIM, TAB_DMARC, TAB_LIVE, TAB_CHECK, TAB_COUNT };

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
    /* The open field editor (editing() true): is its text acceptable now?
     * why gets the reason when not.  Leaving the field (Tab, Ctrl-S, a
     * tab switch, quitting) asks first when it is not. */
    bool (*edit_check)(struct app *a, void *st, struct strbuf *why);
    /* Close the field editor: keep its value (valid) or restore the value
     * from before the edit. */
    unsigned (*edit_end)(struct app *a, void *st, bool keep);
};

extern const struct tab_ops spf_tab_ops;
extern const struct tab_ops dkim_tab_ops;
extern const struct tab_ops dmarc_tab_ops;
extern const struct tab_ops live_tab_ops;
extern const struct tab_ops check_tab_ops;
/* Before every wait of the loop: the Check tab's resolver descriptors
 * (live DNS under the drafts), like live_pump.  No-op offline. */
void check_tab_pump(struct app *a);

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
/* A paste into the open form or paste dialog's focused field, as text.
 * False when the open dialog has no field (a question, a list). */
bool dialog_paste_text(struct app *a, const char *text, size_t len);
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
/* A paste goes into the search (which it opens), as text. */
void help_view_paste(struct app *a, const char *text, size_t len);
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
 * A symbolic link is written through (its target replaced, the link kept).
 * The file keeps its owner and permissions when it existed, never a setuid
 * or setgid bit (*dropped_setid says one was there; may be NULL); when its
 * owner cannot be kept nothing is written.  New: 0666 & ~umask. */
bool files_write_atomic(const char *path, const char *data, size_t len, bool replace,
                        bool *dropped_setid, struct strbuf *why);
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
/* Name this session's file (pid and start time) and check its directory:
 * call once at start, before recover_offer and recover_where. */
void recover_init(void);
/* This session's recovery file, or NULL with *why saying why none can be
 * written.  Borrowed, static. */
const char *recover_where(const char **why);
/* Write the drafts to this session's file (never another's): called from
 * the loop, not from a signal handler.  No-op when nothing is unsaved. */
bool recover_save(struct app *a, int sig);
/* Offer the newest file left by a session no longer running (a question). */
void recover_offer(struct app *a);

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

/* One input event as read from the terminal (term_read_input): a key, or
 * a bracketed paste whose text is paste_len bytes at paste_off in
 * app.paste_text. */
struct input_key {
    int key;
    bool fkey;
    bool paste, paste_cut;
    size_t paste_off, paste_len;
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
    /* The drafts' spoofability verdict (check_spoof_drafts), shown with
     * the cross-record items; computed for drafts_gen spoof_gen - 1. */
    struct diag_list spoof;
    unsigned spoof_gen;
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
    struct strbuf paste_text; /* the texts of the pastes in the queue */
    unsigned input_timer;     /* wakes the loop to end a stalled sequence */
    bool print_on_exit;       /* --print-on-exit, or p in the quit question */
    int copy_form;            /* y: the form picked last (0 zone line, 1 value) */

    struct strbuf scratch;   /* formatting, reused */
    long long started_ms;

    struct live *live;       /* live DNS (live.c); NULL until a fetch */

    /* Bumped by app_draft_changed: tabs rebuild their rows when the
     * drafts changed since they last read them (they keep no copy). */
    unsigned drafts_gen;
    /* The domain edited in the title bar. */
    bool domain_editing;
    struct lineedit domain_edit;
    /* The action waiting for "keep editing / discard the edit". */
    enum action after_edit_action;
    int after_edit_key;
    bool after_edit_fkey;
};

/* The active tab's operations and state. */
const struct tab_ops *app_tab_ops(const struct app *a, enum tab_id tab);
/* A draft was changed through the core (the tab already called
 * drafts_set_text): refresh what depends on it. */
unsigned app_draft_changed(struct app *a);
/* Set a draft's text through the core and refresh.  Returns dirty bits. */
unsigned app_set_draft(struct app *a, enum draft_slot slot, const char *text, size_t len);
/* A drafts_* edit was refused: the status line says why (the first error
 * of why, else fallback).  Returns dirty bits. */
unsigned app_edit_refused(struct app *a, const struct diag_list *why, const char *fallback);
/* The first error of a list (else its first item, else fallback). */
const char *app_why_text(const struct diag_list *why, const char *fallback);
/* The SPF draft's DNS lookup count through its fetched include tree, when
 * the tree of the current text has been fetched (live.c); -1 otherwise. */
int live_draft_lookups(struct app *a, bool *complete);
/* The Lint pane's list again (the record shown changed or was freed). */
void app_refresh_lint(struct app *a);
/* Is a Lint pane item about the drafts together (the cross rules, the
 * spoof verdict) rather than the record shown? */
bool app_lint_item_is_cross(const struct app *a, const struct diag *d);
/* All tabs re-read the drafts (after a load). */
void app_reload_tabs(struct app *a);
/* DKIM tab keys g and m (dkim_keys.c): open their dialogs. */
unsigned dkim_keys_generate(struct app *a);
unsigned dkim_keys_match(struct app *a);
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
