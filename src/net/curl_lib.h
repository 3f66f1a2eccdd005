/* libcurl, loaded the first time DNS over HTTPS is used.
 *
 * Linking libcurl made every run of authtxt load it and the 25 libraries
 * it depends on (GnuTLS, Kerberos, LDAP, SASL, RTMP, SSH, nghttp2, ...):
 * 13-18 ms of startup measured on this machine class, the whole cost of
 * `authtxt lint RECORD` and a tenth of `lint --zone` on 60,000 records,
 * for a transport only --doh uses.  So libcurl is opened with dlopen on
 * the first --doh resolver and its functions are called through this
 * table.  The headers (and so the types and option numbers) are libcurl's
 * own; libcurl's ABI has been soname 4 since 2006.
 *
 * The table is process-wide, as the loaded library is; once loaded it
 * stays loaded.  Not thread-safe on first use (authtxt has one thread). */
#ifndef AUTHTXT_NET_CURL_LIB_H
#define AUTHTXT_NET_CURL_LIB_H

#include <stddef.h>

#include <curl/curl.h>

struct curl_lib {
    CURLcode (*global_init)(long flags);
    CURL *(*easy_init)(void);
    CURLcode (*easy_setopt)(CURL *curl, CURLoption option, ...);
    CURLcode (*easy_getinfo)(CURL *curl, CURLINFO info, ...);
    const char *(*easy_strerror)(CURLcode code);
    void (*easy_cleanup)(CURL *curl);
    CURLM *(*multi_init)(void);
    CURLMcode (*multi_setopt)(CURLM *multi, CURLMoption option, ...);
    CURLMcode (*multi_add_handle)(CURLM *multi, CURL *curl);
    CURLMcode (*multi_remove_handle)(CURLM *multi, CURL *curl);
    CURLMcode (*multi_socket_action)(CURLM *multi, curl_socket_t s, int ev_bitmask,
                                     int *running_handles);
    CURLMsg *(*multi_info_read)(CURLM *multi, int *msgs_in_queue);
    CURLMcode (*multi_cleanup)(CURLM *multi);
    struct curl_slist *(*slist_append)(struct curl_slist *list, const char *s);
    void (*slist_free_all)(struct curl_slist *list);
};

/* The loaded library, with curl_global_init done; NULL with the reason in
 * err ("libcurl.so.4: cannot open shared object file ...") when it cannot
 * be loaded or lacks a function.  A failure is remembered: later calls
 * fail the same way at once. */
const struct curl_lib *curl_lib_load(char *err, size_t errlen);

#endif
