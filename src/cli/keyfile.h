/* Key files for `authtxt dkim`: reading a private key with a size cap and
 * a look at its permissions, asking for a passphrase, and writing files
 * the safe way (a temp file created 0600 in the target directory, written,
 * fsynced, then moved to its name only if nothing is there).  Buffers that
 * held key material are wiped before they are freed. */
#ifndef AUTHTXT_CLI_KEYFILE_H
#define AUTHTXT_CLI_KEYFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "authtxt/strbuf.h"

#define KEYFILE_MAX (16u << 20) /* no key file is anywhere near 16 MB */
#define KEYFILE_PASS_MAX 1024u  /* passphrase bytes */

/* Read a whole regular file of at most KEYFILE_MAX bytes.  Prints why and
 * returns NULL for a missing file, a directory, a device, a file over the
 * cap.  *mode gets st_mode.  Free with keyfile_free.  Messages name the
 * file; with why NULL they go to stderr ("authtxt: FILE: ..."), else to
 * why (the editor shows them): the same for keyfile_write_all. */
char *keyfile_read(const char *path, size_t *len, mode_t *mode, struct strbuf *why);
/* Wipe and free a buffer from keyfile_read or keyfile_passphrase. */
void keyfile_free(char *buf, size_t len);

/* A passphrase: the first line of pass_file when it is not NULL, else asked
 * on the terminal (/dev/tty, echo off) with a prompt naming `what`.  NULL
 * after printing why (no terminal, unreadable file).  The buffer is
 * KEYFILE_PASS_MAX + 1 bytes: free with keyfile_free(p, KEYFILE_PASS_MAX + 1). */
char *keyfile_passphrase(const char *pass_file, const char *what, size_t *len);

/* Check before any work that dir is a directory this process can create
 * files in; prints why ("authtxt: --out DIR: ...") and returns false. */
bool keyfile_dir_writable(const char *dir);
/* The same check, the reason in why ("DIR: is not a directory"). */
bool keyfile_dir_check(const char *dir, struct strbuf *why);

/* One file to write with keyfile_write_all. */
struct keyfile_out {
    const char *path; /* final name */
    const char *data;
    size_t len;
    mode_t mode; /* 0600 for a private key, 0644 for a zone file */
};

/* Write every file or none: each goes to a temp file in its directory
 * (mkstemp: 0600 from the start, then fchmod to its mode), is fsynced and
 * closed; then each is linked to its final name, which must not exist
 * (renameat2 RENAME_NOREPLACE, or link+unlink where that is missing).  On
 * any failure the temp files and the names already made are removed and
 * the reason printed naming the file.  The directory is fsynced at the
 * end.  Returns false on failure. */
bool keyfile_write_all(const struct keyfile_out *files, size_t n, struct strbuf *why);

#endif
