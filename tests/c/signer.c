/*
 * signer.c: sigv4_signer_* signs exactly as sigv4_sign does, from many threads at once, and
 * refuses what sigv4_sign refuses; sigv4_payload_hasher_* hashes a body fed in pieces to the
 * value sigv4_sign computes from the whole body, with the all-or-nothing buffer contract.
 *
 * Built and run by tests/c_api.rs under ASan+UBSan and valgrind.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sigv4.h"
#include "check.h"

#define SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define THREADS 4
#define ROUNDS 300

static const sigv4_header HEADERS[] = {{"content-type", "application/json"}, {"x-custom", " a   b "}};

static sigv4_request make_request(const char *url, const uint8_t *body, size_t body_len)
{
    sigv4_request request;
    memset(&request, 0, sizeof request);
    request.method = "PUT";
    request.url = url;
    request.headers = HEADERS;
    request.header_count = 2;
    request.body = body;
    request.body_len = body_len;
    return request;
}

static sigv4_credentials make_credentials(const char *token)
{
    sigv4_credentials credentials;
    credentials.access_key_id = "AKIDEXAMPLE";
    credentials.secret_access_key = SECRET;
    credentials.session_token = token;
    return credentials;
}

static sigv4_params make_params(const char *service, const char *amz_date, uint32_t flags)
{
    sigv4_params params;
    params.region = "ap-northeast-1";
    params.service = service;
    params.amz_date = amz_date;
    params.flags = flags;
    return params;
}

/* The Authorization value of a successful output. */
static const char *authorization(const sigv4_output *out)
{
    return out->header_count > 0 ? out->headers[out->header_count - 1].value : "";
}

static void signer_matches_sigv4_sign(void)
{
    static const char *const services[] = {"execute-api", "s3"};
    static const char *const dates[] = {"20150830T123600Z", "20150830T235959Z", "20150831T000000Z",
                                        "20150830T000001Z", "20160229T120000Z"};
    static const uint32_t flag_sets[] = {0, SIGV4_FLAG_CONTENT_SHA256_HEADER,
                                         SIGV4_FLAG_UNSIGNED_SESSION_TOKEN, SIGV4_FLAG_S3};
    const uint8_t body[] = "{\"k\":1}";
    size_t s, d, f;
    for (s = 0; s < 2; s++) {
        for (f = 0; f < sizeof flag_sets / sizeof flag_sets[0]; f++) {
            sigv4_credentials credentials = make_credentials("FwoGZXIvYXdzEXAMPLEtoken");
            sigv4_params signer_params = make_params(services[s], NULL, flag_sets[f]);
            sigv4_signer *signer = NULL;
            sigv4_status st = sigv4_signer_new(&credentials, &signer_params, &signer);
            CHECK(st == SIGV4_OK && signer != NULL, "signer_new: %s", sigv4_last_error_message());
            for (d = 0; d < sizeof dates / sizeof dates[0]; d++) {
                sigv4_request request =
                    make_request("https://api.example.com/a/./b%20c//d?b=2&a=1", body, sizeof body - 1);
                sigv4_params params = make_params(services[s], dates[d], flag_sets[f]);
                char buf_a[2048], buf_b[2048];
                sigv4_output a, b;
                size_t h;
                memset(&a, 0, sizeof a);
                memset(&b, 0, sizeof b);
                a.buf = buf_a;
                a.buf_len = sizeof buf_a;
                b.buf = buf_b;
                b.buf_len = sizeof buf_b;
                st = sigv4_sign(&request, &credentials, &params, &a);
                CHECK(st == SIGV4_OK, "sigv4_sign: %s", sigv4_last_error_message());
                /* Twice: the second signature comes from the cached key. */
                st = sigv4_signer_sign(signer, &request, dates[d], &b);
                CHECK(st == SIGV4_OK, "signer_sign: %s", sigv4_last_error_message());
                st = sigv4_signer_sign(signer, &request, dates[d], &b);
                CHECK(st == SIGV4_OK, "signer_sign (cached): %s", sigv4_last_error_message());
                CHECK(a.header_count == b.header_count && a.buf_used == b.buf_used,
                      "%s flags %u %s: %zu/%zu headers", services[s], (unsigned)flag_sets[f],
                      dates[d], a.header_count, b.header_count);
                for (h = 0; h < a.header_count; h++) {
                    CHECK(strcmp(a.headers[h].name, b.headers[h].name) == 0 &&
                              strcmp(a.headers[h].value, b.headers[h].value) == 0,
                          "%s flags %u %s: header %zu differs:\n    %s: %s\n    %s: %s", services[s],
                          (unsigned)flag_sets[f], dates[d], h, a.headers[h].name,
                          a.headers[h].value, b.headers[h].name, b.headers[h].value);
                }
            }
            sigv4_signer_free(signer);
        }
    }
}

static void signer_refuses_what_sigv4_sign_refuses(void)
{
    sigv4_credentials credentials = make_credentials(NULL);
    sigv4_params params = make_params("execute-api", NULL, 0);
    sigv4_signer *signer = (sigv4_signer *)&credentials; /* must be overwritten with NULL */
    sigv4_status st;
    char buf[1024];
    sigv4_output out;

    CHECK(sigv4_signer_new(&credentials, &params, NULL) == SIGV4_ERR_NULL_ARGUMENT, "NULL out");
    CHECK(sigv4_signer_new(NULL, &params, &signer) == SIGV4_ERR_NULL_ARGUMENT && signer == NULL,
          "NULL credentials: %s", sigv4_last_error_message());
    CHECK(strstr(sigv4_last_error_message(), "credentials") != NULL, "names the field: %s",
          sigv4_last_error_message());
    params.amz_date = "20150830T123600Z";
    st = sigv4_signer_new(&credentials, &params, &signer);
    CHECK(st == SIGV4_ERR_INVALID_DATE && signer == NULL, "amz_date must be NULL: %u", (unsigned)st);
    CHECK(strstr(sigv4_last_error_message(), "sigv4_signer_sign") != NULL, "says where: %s",
          sigv4_last_error_message());
    params = make_params("execute/api", NULL, 0);
    CHECK(sigv4_signer_new(&credentials, &params, &signer) == SIGV4_ERR_INVALID_SCOPE, "bad service");
    params = make_params("execute-api", NULL, 0x100);
    CHECK(sigv4_signer_new(&credentials, &params, &signer) == SIGV4_ERR_INVALID_FLAGS, "bad flags");
    credentials.secret_access_key = "";
    params = make_params("execute-api", NULL, 0);
    CHECK(sigv4_signer_new(&credentials, &params, &signer) == SIGV4_ERR_INVALID_CREDENTIALS,
          "empty secret");
    CHECK(strstr(sigv4_last_error_message(), SECRET) == NULL, "no secret in message");

    credentials = make_credentials(NULL);
    st = sigv4_signer_new(&credentials, &params, &signer);
    CHECK(st == SIGV4_OK, "signer_new: %s", sigv4_last_error_message());
    memset(&out, 0, sizeof out);
    out.buf = buf;
    out.buf_len = sizeof buf;
    {
        sigv4_request request = make_request("https://api.example.com/x", NULL, 0);
        sigv4_header bad[1] = {{"x-bad", "a\r\nb"}};
        CHECK(sigv4_signer_sign(NULL, &request, NULL, &out) == SIGV4_ERR_NULL_ARGUMENT, "NULL signer");
        CHECK(sigv4_signer_sign(signer, NULL, NULL, &out) == SIGV4_ERR_NULL_ARGUMENT, "NULL request");
        CHECK(sigv4_signer_sign(signer, &request, NULL, NULL) == SIGV4_ERR_NULL_ARGUMENT, "NULL out");
        CHECK(sigv4_signer_sign(signer, &request, "20151330T000000Z", &out) == SIGV4_ERR_INVALID_DATE,
              "month 13");
        CHECK(strstr(sigv4_last_error_message(), "amz_date") != NULL, "names amz_date: %s",
              sigv4_last_error_message());
        request.headers = bad;
        request.header_count = 1;
        CHECK(sigv4_signer_sign(signer, &request, NULL, &out) == SIGV4_ERR_INVALID_HEADER &&
                  out.header_count == 0,
              "CR/LF in a header");
        request = make_request("https://api.example.com/x", NULL, 0);
        out.buf_len = 10;
        CHECK(sigv4_signer_sign(signer, &request, NULL, &out) == SIGV4_ERR_BUFFER_TOO_SMALL &&
                  out.buf_used > 10 && buf[0] == '\0',
              "small buffer");
        out.buf_len = sizeof buf;
        CHECK(sigv4_signer_sign(signer, &request, NULL, &out) == SIGV4_OK && out.header_count == 2,
              "now: %s", sigv4_last_error_message());
        CHECK(sigv4_last_error_message()[0] == '\0', "message cleared after success");
    }
    sigv4_signer_free(signer);
    sigv4_signer_free(NULL);
}

typedef struct shared_signer {
    const sigv4_signer *signer;
    char expected[THREADS][1024];
    unsigned long passed[THREADS];
    unsigned index;
} shared_signer;

typedef struct thread_arg {
    shared_signer *shared;
    unsigned index;
} thread_arg;

static const char *thread_date(unsigned index, unsigned round)
{
    /* Threads cross midnight differently, so the cache sees two dates at once. */
    return ((index + round) % 2 == 0) ? "20150830T235959Z" : "20150831T000001Z";
}

static void *sign_many(void *arg)
{
    thread_arg *t = arg;
    unsigned long *passed = &t->shared->passed[t->index];
    char url[128];
    unsigned round;
    snprintf(url, sizeof url, "https://api.example.com/thread/%u?round=x", t->index);
    for (round = 0; round < ROUNDS; round++) {
        sigv4_request request = make_request(url, NULL, 0);
        char buf[1024];
        sigv4_output out;
        sigv4_status st;
        memset(&out, 0, sizeof out);
        out.buf = buf;
        out.buf_len = sizeof buf;
        st = sigv4_signer_sign(t->shared->signer, &request, thread_date(t->index, round), &out);
        CHECK_T(passed, st == SIGV4_OK, "thread %u: %s", t->index, sigv4_last_error_message());
        if (round % 2 == 0) {
            CHECK_T(passed, strcmp(authorization(&out), t->shared->expected[t->index]) == 0,
                    "thread %u round %u: %s", t->index, round, authorization(&out));
        }
    }
    return NULL;
}

static void one_signer_serves_many_threads(void)
{
    sigv4_credentials credentials = make_credentials("FwoGZXIvYXdzEXAMPLEtoken");
    sigv4_params params = make_params("execute-api", NULL, 0);
    shared_signer shared;
    pthread_t threads[THREADS];
    thread_arg args[THREADS];
    sigv4_signer *signer = NULL;
    unsigned i;

    memset(&shared, 0, sizeof shared);
    CHECK(sigv4_signer_new(&credentials, &params, &signer) == SIGV4_OK, "signer_new");
    shared.signer = signer;
    for (i = 0; i < THREADS; i++) {
        /* The expected value for even rounds, from the stateless signer. */
        char url[128];
        sigv4_request request;
        sigv4_params at = make_params("execute-api", thread_date(i, 0), 0);
        sigv4_output out;
        memset(&out, 0, sizeof out);
        out.buf = shared.expected[i];
        out.buf_len = sizeof shared.expected[i];
        snprintf(url, sizeof url, "https://api.example.com/thread/%u?round=x", i);
        request = make_request(url, NULL, 0);
        CHECK(sigv4_sign(&request, &credentials, &at, &out) == SIGV4_OK, "expected %u", i);
        memmove(shared.expected[i], authorization(&out), strlen(authorization(&out)) + 1);
    }
    for (i = 0; i < THREADS; i++) {
        args[i].shared = &shared;
        args[i].index = i;
        CHECK(pthread_create(&threads[i], NULL, sign_many, &args[i]) == 0, "pthread_create");
    }
    for (i = 0; i < THREADS; i++) {
        CHECK(pthread_join(threads[i], NULL) == 0, "pthread_join");
        checks_passed += shared.passed[i];
    }
    sigv4_signer_free(signer);
}

static void hasher_matches_hashing_the_whole_body(void)
{
    /* W2's body: 1 MiB where byte i = i mod 251 (shared/BASELINES.md). */
    const size_t body_len = 1048576;
    uint8_t *body = malloc(body_len);
    sigv4_payload_hasher *hasher = NULL;
    char hex[SIGV4_PAYLOAD_HASH_SIZE + 8];
    char signed_hash[128] = "";
    size_t i, offset, piece;
    CHECK(body != NULL, "malloc");
    for (i = 0; i < body_len; i++) {
        body[i] = (uint8_t)(i % 251);
    }
    CHECK(sigv4_payload_hasher_new(&hasher) == SIGV4_OK && hasher != NULL, "hasher_new");
    /* Uneven pieces, an empty one included. */
    for (offset = 0, piece = 0; offset < body_len; offset += piece) {
        piece = (offset * 7 + 1000) % 65521;
        if (piece > body_len - offset) {
            piece = body_len - offset;
        }
        CHECK(sigv4_payload_hasher_update(hasher, body + offset, piece) == SIGV4_OK, "update");
    }
    CHECK(sigv4_payload_hasher_update(hasher, NULL, 0) == SIGV4_OK, "NULL with 0 is empty");
    CHECK(sigv4_payload_hasher_update(hasher, NULL, 5) == SIGV4_ERR_NULL_ARGUMENT, "NULL with 5");

    /* Too small: only hex[0] changes, and the state is kept for the retry. */
    memset(hex, 0xA5, sizeof hex);
    CHECK(sigv4_payload_hasher_finish(hasher, hex, SIGV4_PAYLOAD_HASH_SIZE - 1) ==
              SIGV4_ERR_BUFFER_TOO_SMALL,
          "64 bytes are one short");
    CHECK(hex[0] == '\0' && (unsigned char)hex[1] == 0xA5 && (unsigned char)hex[64] == 0xA5,
          "only hex[0] written");
    CHECK(sigv4_payload_hasher_finish(hasher, NULL, 0) == SIGV4_ERR_BUFFER_TOO_SMALL, "size query");
    CHECK(sigv4_payload_hasher_finish(hasher, NULL, 65) == SIGV4_ERR_NULL_ARGUMENT, "NULL out");
    CHECK(sigv4_payload_hasher_finish(hasher, hex, SIGV4_PAYLOAD_HASH_SIZE) == SIGV4_OK, "finish");
    CHECK(strlen(hex) == 64 && (unsigned char)hex[65] == 0xA5, "64 digits, a NUL, nothing more");
    CHECK(strncmp(hex, "631b84027d6b9e52", 16) == 0, "W2's content hash: %s", hex);

    /* The same value sigv4_sign computes from the whole body. */
    {
        sigv4_request request =
            make_request("https://examplebucket.s3.us-east-1.amazonaws.com/photos/x.jpg", body, body_len);
        sigv4_credentials credentials = make_credentials(NULL);
        sigv4_params params = make_params("s3", "20150830T123600Z", 0);
        char buf[1024];
        sigv4_output out;
        memset(&out, 0, sizeof out);
        out.buf = buf;
        out.buf_len = sizeof buf;
        CHECK(sigv4_sign(&request, &credentials, &params, &out) == SIGV4_OK, "sign W2");
        for (i = 0; i < out.header_count; i++) {
            if (strcmp(out.headers[i].name, "X-Amz-Content-Sha256") == 0) {
                snprintf(signed_hash, sizeof signed_hash, "%s", out.headers[i].value);
            }
        }
        CHECK(strcmp(signed_hash, hex) == 0, "hasher %s vs sign %s", hex, signed_hash);
    }

    /* finish starts over: the next hash is of the empty body. */
    CHECK(sigv4_payload_hasher_finish(hasher, hex, sizeof hex) == SIGV4_OK, "finish empty");
    CHECK(strcmp(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855") == 0,
          "empty body: %s", hex);
    CHECK(sigv4_payload_hasher_update(NULL, body, 1) == SIGV4_ERR_NULL_ARGUMENT, "NULL hasher");
    CHECK(sigv4_payload_hasher_new(NULL) == SIGV4_ERR_NULL_ARGUMENT, "NULL out");
    sigv4_payload_hasher_free(hasher);
    sigv4_payload_hasher_free(NULL);
    free(body);
}

int main(void)
{
    signer_matches_sigv4_sign();
    signer_refuses_what_sigv4_sign_refuses();
    one_signer_serves_many_threads();
    hasher_matches_hashing_the_whole_body();
    printf("%lu passed, 0 failed\n", checks_passed);
    return 0;
}
