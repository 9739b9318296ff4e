#include "curl_shims.h"

#include <pthread.h>
#include <stdlib.h>

CURLcode curlshim_easy_setopt_long(CURL *easy, CURLoption option, long value) {
    return curl_easy_setopt(easy, option, value);
}
CURLcode curlshim_easy_setopt_offset(CURL *easy, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(easy, option, value);
}
CURLcode curlshim_easy_setopt_pointer(CURL *easy, CURLoption option, const void *value) {
    return curl_easy_setopt(easy, option, value);
}
CURLcode curlshim_easy_setopt_data_fn(CURL *easy, CURLoption option, curlshim_curl_data_fn fn) {
    return curl_easy_setopt(easy, option, fn);
}
CURLcode curlshim_easy_setopt_xferinfo_fn(CURL *easy, curlshim_curl_xferinfo_fn fn) {
    return curl_easy_setopt(easy, CURLOPT_XFERINFOFUNCTION, fn);
}
CURLcode curlshim_easy_setopt_prereq_fn(CURL *easy, curl_prereq_callback fn) {
    return curl_easy_setopt(easy, CURLOPT_PREREQFUNCTION, fn);
}
CURLcode curlshim_easy_setopt_seek_fn(CURL *easy, curl_seek_callback fn) {
    return curl_easy_setopt(easy, CURLOPT_SEEKFUNCTION, fn);
}
CURLcode curlshim_easy_getinfo_long(CURL *easy, CURLINFO info, long *value) {
    return curl_easy_getinfo(easy, info, value);
}
CURLcode curlshim_easy_getinfo_offset(CURL *easy, CURLINFO info, curl_off_t *value) {
    return curl_easy_getinfo(easy, info, value);
}
CURLcode curlshim_easy_getinfo_string(CURL *easy, CURLINFO info, const char **value) {
    return curl_easy_getinfo(easy, info, value);
}
CURLMcode curlshim_multi_setopt_long(CURLM *multi, CURLMoption option, long value) {
    return curl_multi_setopt(multi, option, value);
}

int curlshim_multi_next_done(CURLM *multi, CURL **easy, CURLcode *result) {
    int queued = 0;
    CURLMsg *message;
    while ((message = curl_multi_info_read(multi, &queued)) != NULL) {
        if (message->msg == CURLMSG_DONE) {
            *easy = message->easy_handle;
            *result = message->data.result;
            return 1;
        }
    }
    return 0;
}

/* curl calls lock/unlock with a curl_lock_data; one mutex per kind keeps DNS lookups and TLS
 * session reuse from serialising each other. */
struct curlshim_share {
    CURLSH *handle;
    pthread_mutex_t mutex[CURL_LOCK_DATA_LAST];
};

static void share_lock(CURL *handle, curl_lock_data data, curl_lock_access access, void *userptr) {
    (void)handle; (void)access;
    struct curlshim_share *share = userptr;
    if (data >= 0 && data < CURL_LOCK_DATA_LAST) pthread_mutex_lock(&share->mutex[data]);
}

static void share_unlock(CURL *handle, curl_lock_data data, void *userptr) {
    (void)handle;
    struct curlshim_share *share = userptr;
    if (data >= 0 && data < CURL_LOCK_DATA_LAST) pthread_mutex_unlock(&share->mutex[data]);
}

curlshim_share *curlshim_share_new(void) {
    struct curlshim_share *share = calloc(1, sizeof *share);
    if (!share) return NULL;
    share->handle = curl_share_init();
    if (!share->handle) { free(share); return NULL; }
    for (int i = 0; i < CURL_LOCK_DATA_LAST; i++) pthread_mutex_init(&share->mutex[i], NULL);
    curl_share_setopt(share->handle, CURLSHOPT_LOCKFUNC, share_lock);
    curl_share_setopt(share->handle, CURLSHOPT_UNLOCKFUNC, share_unlock);
    curl_share_setopt(share->handle, CURLSHOPT_USERDATA, share);
    curl_share_setopt(share->handle, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    curl_share_setopt(share->handle, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
    return share;
}

CURLSH *curlshim_share_handle(curlshim_share *share) { return share ? share->handle : NULL; }

/* Only after every easy handle using it has been cleaned up. */
void curlshim_share_free(curlshim_share *share) {
    if (!share) return;
    curl_share_cleanup(share->handle);
    for (int i = 0; i < CURL_LOCK_DATA_LAST; i++) pthread_mutex_destroy(&share->mutex[i]);
    free(share);
}
