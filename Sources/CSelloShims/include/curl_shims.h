#ifndef SELLO_CURL_SHIMS_H
#define SELLO_CURL_SHIMS_H
/* Typed, non-variadic wrappers around libcurl's variadic calls, which Swift cannot call,
 * and the locks of the share object that the pooled easy handles of one client use. */
#include <curl/curl.h>

typedef size_t (*curlshim_curl_data_fn)(char *ptr, size_t size, size_t nmemb, void *userdata);
typedef int (*curlshim_curl_xferinfo_fn)(void *userdata, curl_off_t dltotal, curl_off_t dlnow,
                                      curl_off_t ultotal, curl_off_t ulnow);

CURLcode curlshim_easy_setopt_long(CURL *easy, CURLoption option, long value);
CURLcode curlshim_easy_setopt_offset(CURL *easy, CURLoption option, curl_off_t value);
CURLcode curlshim_easy_setopt_pointer(CURL *easy, CURLoption option, const void *value);
CURLcode curlshim_easy_setopt_data_fn(CURL *easy, CURLoption option, curlshim_curl_data_fn fn);
CURLcode curlshim_easy_setopt_xferinfo_fn(CURL *easy, curlshim_curl_xferinfo_fn fn);
CURLcode curlshim_easy_setopt_prereq_fn(CURL *easy, curl_prereq_callback fn);
CURLcode curlshim_easy_setopt_seek_fn(CURL *easy, curl_seek_callback fn);

CURLcode curlshim_easy_getinfo_long(CURL *easy, CURLINFO info, long *value);
CURLcode curlshim_easy_getinfo_offset(CURL *easy, CURLINFO info, curl_off_t *value);
CURLcode curlshim_easy_getinfo_string(CURL *easy, CURLINFO info, const char **value);

CURLMcode curlshim_multi_setopt_long(CURLM *multi, CURLMoption option, long value);

/* The next finished transfer of a multi handle: 1 with its easy handle and result, 0 when no
 * transfer has finished (curl_multi_info_read's CURLMsg holds the result in a union). */
int curlshim_multi_next_done(CURLM *multi, CURL **easy, CURLcode *result);

/* A curl share object for DNS and TLS sessions together with its locks (one mutex per data
 * kind). NULL on failure. */
typedef struct curlshim_share curlshim_share;
curlshim_share *curlshim_share_new(void);
CURLSH *curlshim_share_handle(curlshim_share *share);
void curlshim_share_free(curlshim_share *share);

#endif
