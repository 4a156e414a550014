/*
 * known_answer.c: W1 (apigw-get, shared/BASELINES.md) signs to the published answer;
 * output header names, order and flag effects; sigv4_strerror for every code and for
 * unknown numbers; sigv4_version against the SIGV4_VERSION_* macros; the status numbers.
 *
 * Built and run by tests/c_api.rs under ASan+UBSan and valgrind.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sigv4.h"
#include "check.h"


/* W1 `apigw-get`. Character i of the 400-char session token is
 * ALPHABET[(37 * i + 11) mod 64]. */
static const char ALPHABET[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static char w1_token[401];

/* Prefix from shared/BASELINES.md; the full value is what botocore 1.43.11 produces for
 * the same request (and the prefix is the one four implementations agree on). */
#define W1_SIGNATURE_PREFIX "f5243c7ce6290094"
#define W1_AUTHORIZATION                                                                  \
    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/ap-northeast-1/execute-api/aws4_request, " \
    "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-custom, "                \
    "Signature=f5243c7ce6290094ecc3a1a9ae7d315a182f9aed75b058cdf61e9189bcc9106a"

typedef struct w1 {
    sigv4_header headers[3];
    sigv4_request req;
    sigv4_credentials creds;
    sigv4_params params;
    sigv4_output out;
    char buf[2048];
} w1;

static void w1_init(w1 *w, int with_host_header)
{
    size_t i;
    for (i = 0; i < 400; i++) {
        w1_token[i] = ALPHABET[(37 * i + 11) % 64];
    }
    w1_token[400] = '\0';

    memset(w, 0, sizeof *w);
    w->headers[0].name = "content-type";
    w->headers[0].value = "application/json";
    w->headers[1].name = "x-custom";
    w->headers[1].value = " a   b ";
    w->headers[2].name = "host";
    w->headers[2].value = "abc123.execute-api.ap-northeast-1.amazonaws.com";
    w->req.method = "GET";
    w->req.url = "https://abc123.execute-api.ap-northeast-1.amazonaws.com/trial/getinfo/1234?b=2&a=1";
    w->req.headers = w->headers;
    w->req.header_count = with_host_header ? 3 : 2;
    w->creds.access_key_id = "AKIDEXAMPLE";
    w->creds.secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    w->creds.session_token = w1_token;
    w->params.region = "ap-northeast-1";
    w->params.service = "execute-api";
    w->params.amz_date = "20150830T123600Z";
    w->params.flags = 0;
    w->out.buf = w->buf;
    w->out.buf_len = sizeof w->buf;
}

static sigv4_status w1_sign(w1 *w)
{
    return sigv4_sign(&w->req, &w->creds, &w->params, &w->out);
}

static const char *find_output(const sigv4_output *out, const char *name)
{
    size_t i;
    for (i = 0; i < out->header_count; i++) {
        if (strcmp(out->headers[i].name, name) == 0) {
            return out->headers[i].value;
        }
    }
    return NULL;
}

static void w1_signs_to_the_published_answer(void)
{
    w1 w;
    sigv4_status st;
    const char *auth;
    const char *sig;
    int with_host;

    /* With the host header given (as in BASELINES) and without it (taken from the URL). */
    for (with_host = 1; with_host >= 0; with_host--) {
        w1_init(&w, with_host);
        st = w1_sign(&w);
        CHECK(st == SIGV4_OK, "W1 (host header: %d): %u (%s): %s", with_host, (unsigned)st,
              sigv4_strerror(st), sigv4_last_error_message());
        CHECK(w.out.header_count == 3, "W1 returns 3 headers, got %u", (unsigned)w.out.header_count);
        CHECK(strcmp(w.out.headers[0].name, "X-Amz-Date") == 0, "headers[0] %s", w.out.headers[0].name);
        CHECK(strcmp(w.out.headers[0].value, "20150830T123600Z") == 0, "X-Amz-Date %s",
              w.out.headers[0].value);
        CHECK(strcmp(w.out.headers[1].name, "X-Amz-Security-Token") == 0, "headers[1] %s",
              w.out.headers[1].name);
        CHECK(strcmp(w.out.headers[1].value, w1_token) == 0, "the token is returned verbatim");
        CHECK(strcmp(w.out.headers[2].name, "Authorization") == 0, "headers[2] %s",
              w.out.headers[2].name);
        auth = w.out.headers[2].value;
        sig = strstr(auth, "Signature=");
        CHECK(sig != NULL, "no Signature= in \"%s\"", auth);
        CHECK(strncmp(sig + 10, W1_SIGNATURE_PREFIX, 16) == 0,
              "W1 signature must begin " W1_SIGNATURE_PREFIX " (BASELINES.md), got %s", sig + 10);
        CHECK(strcmp(auth, W1_AUTHORIZATION) == 0, "W1 Authorization:\n    got      %s\n    expected %s",
              auth, W1_AUTHORIZATION);
    }
}

static void output_headers_follow_the_flags_in_contract_order(void)
{
    w1 w;
    sigv4_status st;
    const char *auth;
    const char *sha;

    /* CONTENT_SHA256_HEADER: the hash of the empty body, between the token and Authorization. */
    w1_init(&w, 1);
    w.params.flags = SIGV4_FLAG_CONTENT_SHA256_HEADER;
    st = w1_sign(&w);
    CHECK(st == SIGV4_OK, "%s", sigv4_last_error_message());
    CHECK(w.out.header_count == 4, "4 headers, got %u", (unsigned)w.out.header_count);
    CHECK(strcmp(w.out.headers[0].name, "X-Amz-Date") == 0 &&
              strcmp(w.out.headers[1].name, "X-Amz-Security-Token") == 0 &&
              strcmp(w.out.headers[2].name, "X-Amz-Content-Sha256") == 0 &&
              strcmp(w.out.headers[3].name, "Authorization") == 0,
          "order: %s, %s, %s, %s", w.out.headers[0].name, w.out.headers[1].name,
          w.out.headers[2].name, w.out.headers[3].name);
    sha = w.out.headers[2].value;
    CHECK(strcmp(sha, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855") == 0,
          "SHA-256 of the empty body, got %s", sha);
    CHECK(strstr(w.out.headers[3].value, "x-amz-content-sha256") != NULL,
          "x-amz-content-sha256 is signed: %s", w.out.headers[3].value);

    /* A given payload_hash is sent verbatim. */
    w1_init(&w, 1);
    w.params.flags = SIGV4_FLAG_CONTENT_SHA256_HEADER;
    w.req.payload_hash = "UNSIGNED-PAYLOAD";
    st = w1_sign(&w);
    CHECK(st == SIGV4_OK, "%s", sigv4_last_error_message());
    sha = find_output(&w.out, "X-Amz-Content-Sha256");
    CHECK(sha != NULL && strcmp(sha, "UNSIGNED-PAYLOAD") == 0, "payload_hash verbatim, got %s",
          sha ? sha : "(none)");

    /* Service s3 implies SIGV4_FLAG_S3, which includes the content-sha256 header. */
    w1_init(&w, 0);
    w.req.url = "https://examplebucket.s3.us-east-1.amazonaws.com/test.txt";
    w.params.service = "s3";
    w.params.region = "us-east-1";
    st = w1_sign(&w);
    CHECK(st == SIGV4_OK, "%s", sigv4_last_error_message());
    CHECK(find_output(&w.out, "X-Amz-Content-Sha256") != NULL,
          "service s3 implies X-Amz-Content-Sha256 (%u headers)", (unsigned)w.out.header_count);

    /* UNSIGNED_SESSION_TOKEN: the token is returned but not signed. */
    w1_init(&w, 1);
    w.params.flags = SIGV4_FLAG_UNSIGNED_SESSION_TOKEN;
    st = w1_sign(&w);
    CHECK(st == SIGV4_OK, "%s", sigv4_last_error_message());
    CHECK(find_output(&w.out, "X-Amz-Security-Token") != NULL, "the token header is returned");
    auth = find_output(&w.out, "Authorization");
    CHECK(auth != NULL && strstr(auth, "x-amz-security-token") == NULL,
          "x-amz-security-token must not be in SignedHeaders: %s", auth ? auth : "(none)");
    CHECK(strstr(auth, "SignedHeaders=content-type;host;x-amz-date;x-custom,") != NULL,
          "SignedHeaders without the token: %s", auth);

    /* A caller's Host header wins over the URL's authority. */
    w1_init(&w, 1);
    w.headers[2].value = "api.example.com";
    st = w1_sign(&w);
    CHECK(st == SIGV4_OK, "%s", sigv4_last_error_message());
    auth = find_output(&w.out, "Authorization");
    CHECK(auth != NULL && strcmp(auth, W1_AUTHORIZATION) != 0,
          "a different Host header must change the signature");
}

static void strerror_has_text_for_every_code_and_unknown_numbers(void)
{
    static const uint32_t codes[] = {
        SIGV4_OK, SIGV4_ERR_NULL_ARGUMENT, SIGV4_ERR_INVALID_UTF8, SIGV4_ERR_INVALID_METHOD,
        SIGV4_ERR_INVALID_URL, SIGV4_ERR_INVALID_HEADER, SIGV4_ERR_INVALID_CREDENTIALS,
        SIGV4_ERR_INVALID_SCOPE, SIGV4_ERR_INVALID_DATE, SIGV4_ERR_INVALID_PAYLOAD_HASH,
        SIGV4_ERR_BUFFER_TOO_SMALL, SIGV4_ERR_TOO_LARGE, SIGV4_ERR_INTERNAL,
        SIGV4_ERR_INVALID_FLAGS,
    };
    static const uint32_t unknown[] = {14u, 15u, 100u, 0x7FFFFFFFu, 0x80000000u, 0xFFFFFFFEu,
                                       0xFFFFFFFFu};
    const char *texts[14];
    const char *unknown_text;
    size_t i, j;

    /* The numbers are the contract; they must never move. */
    for (i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        CHECK(codes[i] == i, "status code %u has number %u", (unsigned)i, (unsigned)codes[i]);
    }
    for (i = 0; i < 14; i++) {
        texts[i] = sigv4_strerror((uint32_t)i);
        CHECK(texts[i] != NULL && texts[i][0] != '\0', "sigv4_strerror(%u) is empty or NULL",
              (unsigned)i);
        /* static text: the same pointer every time */
        CHECK(sigv4_strerror((uint32_t)i) == texts[i], "sigv4_strerror(%u) is not static",
              (unsigned)i);
    }
    for (i = 0; i < 14; i++) {
        for (j = i + 1; j < 14; j++) {
            CHECK(strcmp(texts[i], texts[j]) != 0, "codes %u and %u share the text \"%s\"",
                  (unsigned)i, (unsigned)j, texts[i]);
        }
    }
    unknown_text = sigv4_strerror(14u);
    CHECK(unknown_text != NULL && unknown_text[0] != '\0', "sigv4_strerror(14)");
    for (i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        const char *t = sigv4_strerror(unknown[i]);
        CHECK(t != NULL && t[0] != '\0', "sigv4_strerror(%lu) is empty or NULL",
              (unsigned long)unknown[i]);
        for (j = 0; j < 14; j++) {
            CHECK(strcmp(t, texts[j]) != 0, "unknown %lu reads as code %u: \"%s\"",
                  (unsigned long)unknown[i], (unsigned)j, t);
        }
    }
    /* A sigv4_status variable passes unchanged. */
    {
        sigv4_status s = SIGV4_ERR_TOO_LARGE;
        CHECK(sigv4_strerror(s) == texts[11], "sigv4_status passes to sigv4_strerror");
    }
}

static void version_matches_the_header_macros(void)
{
    char expected[64];
    const char *v = sigv4_version();
    CHECK(v != NULL, "sigv4_version() is NULL");
    snprintf(expected, sizeof expected, "%d.%d.%d", SIGV4_VERSION_MAJOR, SIGV4_VERSION_MINOR,
             SIGV4_VERSION_PATCH);
    /* Exactly MAJOR.MINOR.PATCH, or that followed by a pre-release/build suffix. */
    CHECK(strncmp(v, expected, strlen(expected)) == 0 &&
              (v[strlen(expected)] == '\0' || v[strlen(expected)] == '-' ||
               v[strlen(expected)] == '+'),
          "sigv4_version() \"%s\" vs SIGV4_VERSION_* \"%s\"", v, expected);
    CHECK(sigv4_version() == v, "sigv4_version() returns a static string");
}

static void message_is_never_null_and_empty_after_success(void)
{
    w1 w;
    sigv4_status st;
    const char *msg = sigv4_last_error_message();
    CHECK(msg != NULL, "message before any call is NULL");

    w1_init(&w, 1);
    w.params.amz_date = "20151330T123600Z";
    st = w1_sign(&w);
    CHECK(st == SIGV4_ERR_INVALID_DATE, "month 13: %u", (unsigned)st);
    msg = sigv4_last_error_message();
    CHECK(msg != NULL && msg[0] != '\0', "message after failure");
    /* other calls that cannot fail leave the message alone or clear it, never NULL */
    (void)sigv4_strerror(3);
    (void)sigv4_version();
    CHECK(sigv4_last_error_message() != NULL, "message is NULL after strerror/version");

    w1_init(&w, 1);
    st = w1_sign(&w);
    CHECK(st == SIGV4_OK, "%s", sigv4_last_error_message());
    msg = sigv4_last_error_message();
    CHECK(msg != NULL && strcmp(msg, "") == 0, "message after success is \"%s\"", msg ? msg : "NULL");
}

int main(void)
{
    w1_signs_to_the_published_answer();
    output_headers_follow_the_flags_in_contract_order();
    strerror_has_text_for_every_code_and_unknown_numbers();
    version_matches_the_header_macros();
    message_is_never_null_and_empty_after_success();
    printf("%lu passed, 0 failed\n", checks_passed);
    return 0;
}
