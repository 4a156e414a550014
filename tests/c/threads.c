/*
 * threads.c: sigv4_sign is safe to call from many threads at once, each thread gets the
 * same signature as a single-threaded call, and sigv4_last_error_message() is per thread:
 * one thread's failure never shows up as another thread's message, and a success on one
 * thread does not clear another thread's message.
 *
 * Built and run by tests/c_api.rs under ASan+UBSan and valgrind.
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sigv4.h"
#include "check.h"


#define THREADS 8
#define ROUNDS 200
#define MAX_HEADERS_PER_THREAD (THREADS + 1)

static char expected_auth[1024];

typedef struct worker {
    pthread_t thread;
    unsigned index;
    unsigned long passed;
} worker;

/* Thread t sends t valid headers and then a header at index t named "x-thread-<t>". */
static sigv4_status sign_as(unsigned t, int broken, char *buf, size_t buf_len, sigv4_output *out,
                            char (*names)[32], sigv4_header *headers)
{
    sigv4_request req;
    sigv4_credentials creds;
    sigv4_params params;
    unsigned i;

    for (i = 0; i < t; i++) {
        snprintf(names[i], sizeof names[i], "x-pad-%u", i);
        headers[i].name = names[i];
        headers[i].value = "pad";
    }
    snprintf(names[t], sizeof names[t], "x-thread-%u", t);
    headers[t].name = names[t];
    headers[t].value = broken ? "value\r\nInjected: yes" : "ok";

    memset(&req, 0, sizeof req);
    req.method = "GET";
    req.url = "https://api.example.com/trial/getinfo/1234?b=2&a=1";
    req.headers = headers;
    req.header_count = t + 1;
    memset(&creds, 0, sizeof creds);
    creds.access_key_id = "AKIDEXAMPLE";
    creds.secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    creds.session_token = "FwoGZXIvYXdzEXAMPLEsessionTOKEN";
    memset(&params, 0, sizeof params);
    params.region = "ap-northeast-1";
    params.service = "execute-api";
    params.amz_date = "20150830T123600Z";
    memset(out, 0, sizeof *out);
    out->buf = buf;
    out->buf_len = buf_len;
    return sigv4_sign(&req, &creds, &params, out);
}

/* A plain request, the same for every thread, to compare signatures. */
static sigv4_status sign_common(char *buf, size_t buf_len, sigv4_output *out)
{
    static const sigv4_header headers[] = {{"content-type", "application/json"},
                                           {"x-custom", " a   b "}};
    sigv4_request req;
    sigv4_credentials creds;
    sigv4_params params;

    memset(&req, 0, sizeof req);
    req.method = "GET";
    req.url = "https://api.example.com/trial/getinfo/1234?b=2&a=1";
    req.headers = headers;
    req.header_count = 2;
    memset(&creds, 0, sizeof creds);
    creds.access_key_id = "AKIDEXAMPLE";
    creds.secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    memset(&params, 0, sizeof params);
    params.region = "ap-northeast-1";
    params.service = "execute-api";
    params.amz_date = "20150830T123600Z";
    memset(out, 0, sizeof *out);
    out->buf = buf;
    out->buf_len = buf_len;
    return sigv4_sign(&req, &creds, &params, out);
}

static void *work(void *arg)
{
    worker *w = arg;
    unsigned long *p = &w->passed;
    char names[MAX_HEADERS_PER_THREAD][32];
    sigv4_header headers[MAX_HEADERS_PER_THREAD];
    char buf[2048];
    char own_index[32];
    char own_name[32];
    sigv4_output out;
    sigv4_status st;
    const char *msg;
    unsigned round;

    snprintf(own_index, sizeof own_index, "headers[%u]", w->index);
    snprintf(own_name, sizeof own_name, "x-thread-%u", w->index);

    for (round = 0; round < ROUNDS; round++) {
        /* Fail with a message only this thread can produce. */
        st = sign_as(w->index, 1, buf, sizeof buf, &out, names, headers);
        CHECK_T(p, st == SIGV4_ERR_INVALID_HEADER, "thread %u round %u: got %u (%s)", w->index,
                round, (unsigned)st, sigv4_strerror(st));
        /* Let the other threads run their own successes and failures in between. */
        sched_yield();
        msg = sigv4_last_error_message();
        CHECK_T(p, msg != NULL, "thread %u: NULL message", w->index);
        CHECK_T(p, strstr(msg, own_index) != NULL && strstr(msg, own_name) != NULL,
                "thread %u round %u: message is not this thread's: \"%s\"", w->index, round, msg);

        /* A success on this thread clears only this thread's message. */
        st = (round % 2 == 0) ? sign_as(w->index, 0, buf, sizeof buf, &out, names, headers)
                              : sign_common(buf, sizeof buf, &out);
        CHECK_T(p, st == SIGV4_OK, "thread %u round %u: %s", w->index, round,
                sigv4_last_error_message());
        if (round % 2 == 1) {
            CHECK_T(p, strcmp(out.headers[out.header_count - 1].value, expected_auth) == 0,
                    "thread %u round %u: signature differs from the single-threaded one:\n    %s",
                    w->index, round, out.headers[out.header_count - 1].value);
        }
        sched_yield();
        msg = sigv4_last_error_message();
        CHECK_T(p, msg != NULL && msg[0] == '\0', "thread %u round %u: message after success \"%s\"",
                w->index, round, msg ? msg : "NULL");
    }
    return NULL;
}

int main(void)
{
    worker workers[THREADS];
    char buf[2048];
    sigv4_output out;
    sigv4_status st;
    unsigned i;
    int rc;

    st = sign_common(buf, sizeof buf, &out);
    CHECK_T(&checks_passed, st == SIGV4_OK, "single-threaded: %s", sigv4_last_error_message());
    snprintf(expected_auth, sizeof expected_auth, "%s", out.headers[out.header_count - 1].value);

    /* The main thread holds a failure message of its own throughout. */
    {
        char names[MAX_HEADERS_PER_THREAD][32];
        sigv4_header headers[MAX_HEADERS_PER_THREAD];
        st = sign_as(THREADS, 1, buf, sizeof buf, &out, names, headers);
        CHECK_T(&checks_passed, st == SIGV4_ERR_INVALID_HEADER, "main: got %u", (unsigned)st);
    }

    for (i = 0; i < THREADS; i++) {
        workers[i].index = i;
        workers[i].passed = 0;
        rc = pthread_create(&workers[i].thread, NULL, work, &workers[i]);
        CHECK_T(&checks_passed, rc == 0, "pthread_create: %d", rc);
    }
    for (i = 0; i < THREADS; i++) {
        rc = pthread_join(workers[i].thread, NULL);
        CHECK_T(&checks_passed, rc == 0, "pthread_join: %d", rc);
        checks_passed += workers[i].passed;
    }

    /* Eight threads succeeded and failed meanwhile; main's own message is untouched. */
    {
        char main_name[32];
        const char *msg = sigv4_last_error_message();
        snprintf(main_name, sizeof main_name, "x-thread-%u", (unsigned)THREADS);
        CHECK_T(&checks_passed, msg != NULL && strstr(msg, main_name) != NULL,
                "main thread's message was replaced: \"%s\"", msg ? msg : "NULL");
    }

    printf("%lu passed, 0 failed\n", checks_passed);
    return 0;
}
