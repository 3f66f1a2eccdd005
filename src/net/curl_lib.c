/* libcurl through dlopen: see curl_lib.h for why. */
#include "curl_lib.h"

#include <dlfcn.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define CURL_LIB_SONAME "libcurl.so.4"

static struct curl_lib lib;
static bool tried, loaded;
static char why[256];

/* dlsym returns a data pointer; POSIX guarantees it converts to a function
 * pointer (dlsym(3)), which ISO C alone does not: copy the bytes. */
static bool resolve(void *handle, const char *name, void *slot, size_t size)
{
    void *sym = dlsym(handle, name);
    if (!sym) {
        snprintf(why, sizeof why, "%s: no %s", CURL_LIB_SONAME, name);
        return false;
    }
    memcpy(slot, &sym, size);
    return true;
}

#define RESOLVE(field, name) resolve(h, name, &lib.field, sizeof lib.field)

static bool load(void)
{
    void *h = dlopen(CURL_LIB_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *e = dlerror();
        snprintf(why, sizeof why, "%s", e ? e : CURL_LIB_SONAME ": cannot be loaded");
        return false;
    }
    if (!(RESOLVE(global_init, "curl_global_init") && RESOLVE(easy_init, "curl_easy_init") &&
          RESOLVE(easy_setopt, "curl_easy_setopt") && RESOLVE(easy_getinfo, "curl_easy_getinfo") &&
          RESOLVE(easy_strerror, "curl_easy_strerror") &&
          RESOLVE(easy_cleanup, "curl_easy_cleanup") && RESOLVE(multi_init, "curl_multi_init") &&
          RESOLVE(multi_setopt, "curl_multi_setopt") &&
          RESOLVE(multi_add_handle, "curl_multi_add_handle") &&
          RESOLVE(multi_remove_handle, "curl_multi_remove_handle") &&
          RESOLVE(multi_socket_action, "curl_multi_socket_action") &&
          RESOLVE(multi_info_read, "curl_multi_info_read") &&
          RESOLVE(multi_cleanup, "curl_multi_cleanup") &&
          RESOLVE(slist_append, "curl_slist_append") &&
          RESOLVE(slist_free_all, "curl_slist_free_all"))) {
        dlclose(h);
        return false;
    }
    if (lib.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        snprintf(why, sizeof why, "libcurl failed to start (curl_global_init)");
        dlclose(h);
        return false;
    }
    /* Kept open for the rest of the process: its handles live as long. */
    return true;
}

const struct curl_lib *curl_lib_load(char *err, size_t errlen)
{
    if (!tried) {
        tried = true;
        loaded = load();
    }
    if (!loaded) {
        snprintf(err, errlen, "%s", why);
        return NULL;
    }
    return &lib;
}
