/*
 * output_buffer.c: the all-or-nothing output buffer contract of sigv4_sign.
 *
 * The caller's buffer sits inside a larger array filled with 0xA5 canaries. For buf_len 0
 * (NULL buf: a size query), 1, 2, needed-1 the call must return SIGV4_ERR_BUFFER_TOO_SMALL
 * with buf_used == needed and header_count == 0, write one NUL at buf[0] (when buf_len >= 1)
 * and nothing else; at buf_len == needed (and larger) it must succeed, use exactly needed
 * bytes, and leave every canary past buf_used intact.
 *
 * Built and run by tests/c_api.rs under ASan+UBSan and valgrind.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sigv4.h"
#include "check.h"


#define CANARY 0xA5
#define GUARD 256 /* canary bytes checked after the caller's buffer */

typedef struct request_set {
    sigv4_header headers[2];
    sigv4_request req;
    sigv4_credentials creds;
    sigv4_params params;
} request_set;

static void request_set_init(request_set *r, const char *token, uint32_t flags)
{
    memset(r, 0, sizeof *r);
    r->headers[0].name = "content-type";
    r->headers[0].value = "application/json";
    r->headers[1].name = "x-custom";
    r->headers[1].value = " a   b ";
    r->req.method = "GET";
    r->req.url = "https://api.example.com/trial/getinfo/1234?b=2&a=1";
    r->req.headers = r->headers;
    r->req.header_count = 2;
    r->creds.access_key_id = "AKIDEXAMPLE";
    r->creds.secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    r->creds.session_token = token;
    r->params.region = "ap-northeast-1";
    r->params.service = "execute-api";
    r->params.amz_date = "20150830T123600Z";
    r->params.flags = flags;
}

static sigv4_status sign(request_set *r, sigv4_output *out)
{
    return sigv4_sign(&r->req, &r->creds, &r->params, out);
}

/* Bytes needed, from a size query (NULL buf, buf_len 0). */
static size_t size_query(request_set *r)
{
    sigv4_output out;
    sigv4_status st;
    memset(&out, 0, sizeof out);
    out.buf = NULL;
    out.buf_len = 0;
    out.buf_used = 12345;
    out.header_count = 7;
    st = sign(r, &out);
    CHECK(st == SIGV4_ERR_BUFFER_TOO_SMALL, "size query: expected BUFFER_TOO_SMALL, got %u (%s): %s",
          (unsigned)st, sigv4_strerror(st), sigv4_last_error_message());
    CHECK(out.buf_used > 0 && out.buf_used != 12345, "size query sets buf_used, got %u",
          (unsigned)out.buf_used);
    CHECK(out.header_count == 0, "size query sets header_count 0, got %u",
          (unsigned)out.header_count);
    CHECK(sigv4_last_error_message()[0] != '\0', "BUFFER_TOO_SMALL leaves a message");
    return out.buf_used;
}

/* Calls sign with a buffer of buf_len bytes inside a canary-filled arena and checks
 * every byte the library must not have touched. Returns the status. */
static sigv4_status sign_into(request_set *r, size_t buf_len, size_t needed, sigv4_output *out,
                              unsigned char *arena, size_t arena_len)
{
    sigv4_status st;
    size_t i;
    size_t untouched_from;

    CHECK(buf_len + GUARD <= arena_len, "arena too small for buf_len %u", (unsigned)buf_len);
    memset(arena, CANARY, arena_len);
    memset(out, 0, sizeof *out);
    out->buf = (char *)arena;
    out->buf_len = buf_len;
    out->buf_used = 999999;
    out->header_count = 5;
    st = sign(r, out);

    if (buf_len < needed) {
        CHECK(st == SIGV4_ERR_BUFFER_TOO_SMALL, "buf_len %u < needed %u: got %u (%s): %s",
              (unsigned)buf_len, (unsigned)needed, (unsigned)st, sigv4_strerror(st),
              sigv4_last_error_message());
        CHECK(out->buf_used == needed, "buf_len %u: buf_used %u, expected needed %u",
              (unsigned)buf_len, (unsigned)out->buf_used, (unsigned)needed);
        CHECK(out->header_count == 0, "buf_len %u: header_count %u, expected 0", (unsigned)buf_len,
              (unsigned)out->header_count);
        if (buf_len >= 1) {
            CHECK(arena[0] == 0, "buf_len %u: buf[0] must be NUL, is 0x%02x", (unsigned)buf_len,
                  arena[0]);
        } else {
            CHECK(arena[0] == CANARY, "buf_len 0: buf[0] must be untouched, is 0x%02x", arena[0]);
        }
        untouched_from = 1;
    } else {
        CHECK(st == SIGV4_OK, "buf_len %u >= needed %u: got %u (%s): %s", (unsigned)buf_len,
              (unsigned)needed, (unsigned)st, sigv4_strerror(st), sigv4_last_error_message());
        CHECK(out->buf_used == needed, "buf_len %u: buf_used %u, expected %u", (unsigned)buf_len,
              (unsigned)out->buf_used, (unsigned)needed);
        CHECK(strcmp(sigv4_last_error_message(), "") == 0, "message after success: \"%s\"",
              sigv4_last_error_message());
        untouched_from = needed;
    }
    /* Nothing written past what the contract allows: inside the buffer on failure, and the
     * guard bytes after it in every case. */
    for (i = untouched_from; i < buf_len + GUARD; i++) {
        CHECK(arena[i] == CANARY, "buf_len %u needed %u: byte %u overwritten (0x%02x)",
              (unsigned)buf_len, (unsigned)needed, (unsigned)i, arena[i]);
    }
    return st;
}

static void check_success_layout(const sigv4_output *out, const unsigned char *arena,
                                 const char *const *names, size_t count)
{
    size_t i;
    const char *lo = (const char *)arena;
    const char *hi = lo + out->buf_used;
    CHECK(out->header_count == count, "header_count %u, expected %u", (unsigned)out->header_count,
          (unsigned)count);
    for (i = 0; i < count; i++) {
        const char *v = out->headers[i].value;
        CHECK(out->headers[i].name != NULL && strcmp(out->headers[i].name, names[i]) == 0,
              "headers[%u].name is \"%s\", expected \"%s\"", (unsigned)i,
              out->headers[i].name ? out->headers[i].name : "(null)", names[i]);
        /* names are static strings, not in the caller's buffer */
        CHECK(out->headers[i].name < lo || out->headers[i].name >= hi,
              "headers[%u].name points into buf", (unsigned)i);
        CHECK(v != NULL && v >= lo && v < hi, "headers[%u].value must point into buf", (unsigned)i);
        CHECK(v + strlen(v) < hi, "headers[%u].value NUL-terminated inside buf_used", (unsigned)i);
        CHECK(strlen(v) > 0, "headers[%u].value non-empty", (unsigned)i);
    }
    CHECK(out->buf_used <= out->buf_len, "buf_used %u <= buf_len %u", (unsigned)out->buf_used,
          (unsigned)out->buf_len);
}

static void every_buffer_size_around_needed(request_set *r, const char *const *names, size_t count)
{
    size_t needed = size_query(r);
    size_t arena_len = needed + 64 + GUARD;
    unsigned char *arena = malloc(arena_len);
    sigv4_output out;
    size_t sizes[8];
    size_t n = 0, i;
    size_t total = 0;

    CHECK(arena != NULL, "out of memory");
    /* The size is exactly what the values take: each value plus its NUL. */
    sizes[n++] = 0;
    sizes[n++] = 1;
    sizes[n++] = 2;
    sizes[n++] = needed / 2;
    sizes[n++] = needed - 1;
    sizes[n++] = needed;
    sizes[n++] = needed + 1;
    sizes[n++] = needed + 64;
    for (i = 0; i < n; i++) {
        sign_into(r, sizes[i], needed, &out, arena, arena_len);
        if (sizes[i] >= needed) {
            size_t h;
            check_success_layout(&out, arena, names, count);
            total = 0;
            for (h = 0; h < out.header_count; h++) {
                total += strlen(out.headers[h].value) + 1;
            }
            CHECK(total == needed, "values + NULs = %u bytes, buf_used says %u", (unsigned)total,
                  (unsigned)needed);
        }
    }

    /* buf_len 0 with a non-NULL buffer is a too-small buffer, not a size query: still
     * nothing written at all. */
    sign_into(r, 0, needed, &out, arena, arena_len);

    free(arena);
}

static void null_buffer_with_a_length_is_null_argument(request_set *r)
{
    sigv4_output out;
    sigv4_status st;
    const char *msg;
    memset(&out, 0, sizeof out);
    out.buf = NULL;
    out.buf_len = 64;
    st = sign(r, &out);
    msg = sigv4_last_error_message();
    CHECK(st == SIGV4_ERR_NULL_ARGUMENT, "NULL buf with buf_len 64: got %u (%s): %s", (unsigned)st,
          sigv4_strerror(st), msg);
    CHECK(strstr(msg, "buf") != NULL, "message names buf: \"%s\"", msg);
}

/* Validation errors win over the buffer size: a bad request with a tiny buffer reports the
 * real problem, and writes nothing at all. */
static void invalid_input_with_a_small_buffer_reports_the_input_and_writes_nothing(request_set *r)
{
    unsigned char arena[64];
    sigv4_output out;
    sigv4_status st;
    size_t i;
    const char *region = r->params.region;

    r->params.region = "";
    memset(arena, CANARY, sizeof arena);
    memset(&out, 0, sizeof out);
    out.buf = (char *)arena;
    out.buf_len = 8;
    st = sign(r, &out);
    r->params.region = region;
    CHECK(st == SIGV4_ERR_INVALID_SCOPE, "empty region + small buffer: got %u (%s)", (unsigned)st,
          sigv4_strerror(st));
    for (i = 0; i < sizeof arena; i++) {
        CHECK(arena[i] == CANARY, "a failed validation wrote byte %u (0x%02x)", (unsigned)i,
              arena[i]);
    }
}

/* Inputs may live inside the output buffer (a caller reusing memory): every read finishes
 * before the first write, so the outputs are the same as with separate memory. */
enum alias_field { ALIAS_URL, ALIAS_TOKEN, ALIAS_HEADER_VALUE, ALIAS_SECRET, ALIAS_DATE };

static void sign_with_field_in_buf(request_set *r, enum alias_field field, size_t offset,
                                   const sigv4_output *expected)
{
    static char aliased[4096];
    sigv4_output out;
    sigv4_status st;
    request_set copy = *r;
    const char *src;
    size_t i;

    copy.req.headers = copy.headers;
    switch (field) {
    case ALIAS_URL: src = r->req.url; break;
    case ALIAS_TOKEN: src = r->creds.session_token; break;
    case ALIAS_HEADER_VALUE: src = r->headers[1].value; break;
    case ALIAS_SECRET: src = r->creds.secret_access_key; break;
    default: src = r->params.amz_date; break;
    }
    memset(aliased, CANARY, sizeof aliased);
    memcpy(aliased + offset, src, strlen(src) + 1);
    switch (field) {
    case ALIAS_URL: copy.req.url = aliased + offset; break;
    case ALIAS_TOKEN: copy.creds.session_token = aliased + offset; break;
    case ALIAS_HEADER_VALUE: copy.headers[1].value = aliased + offset; break;
    case ALIAS_SECRET: copy.creds.secret_access_key = aliased + offset; break;
    default: copy.params.amz_date = aliased + offset; break;
    }
    memset(&out, 0, sizeof out);
    out.buf = aliased;
    out.buf_len = sizeof aliased;
    st = sign(&copy, &out);
    CHECK(st == SIGV4_OK, "field %d aliased at offset %u: %u (%s): %s", (int)field,
          (unsigned)offset, (unsigned)st, sigv4_strerror(st), sigv4_last_error_message());
    CHECK(out.header_count == expected->header_count, "field %d at %u: %u headers, expected %u",
          (int)field, (unsigned)offset, (unsigned)out.header_count,
          (unsigned)expected->header_count);
    for (i = 0; i < out.header_count; i++) {
        CHECK(strcmp(out.headers[i].value, expected->headers[i].value) == 0,
              "field %d aliased at offset %u: %s differs:\n    got      %s\n    expected %s",
              (int)field, (unsigned)offset, out.headers[i].name, out.headers[i].value,
              expected->headers[i].value);
    }
}

static void inputs_aliasing_the_output_buffer_sign_the_same(request_set *r)
{
    static char plain[4096];
    static const size_t offsets[] = {0, 1, 17, 40, 100, 300};
    sigv4_output expected;
    sigv4_status st;
    size_t o;
    int field;

    memset(&expected, 0, sizeof expected);
    expected.buf = plain;
    expected.buf_len = sizeof plain;
    st = sign(r, &expected);
    CHECK(st == SIGV4_OK, "plain: %s", sigv4_last_error_message());

    for (field = ALIAS_URL; field <= ALIAS_DATE; field++) {
        for (o = 0; o < sizeof offsets / sizeof offsets[0]; o++) {
            sign_with_field_in_buf(r, (enum alias_field)field, offsets[o], &expected);
        }
    }
}

int main(void)
{
    static const char *const with_token[] = {"X-Amz-Date", "X-Amz-Security-Token", "Authorization"};
    static const char *const no_token[] = {"X-Amz-Date", "Authorization"};
    static const char *const all[] = {"X-Amz-Date", "X-Amz-Security-Token", "X-Amz-Content-Sha256",
                                      "Authorization"};
    static const char *const sha_only[] = {"X-Amz-Date", "X-Amz-Content-Sha256", "Authorization"};
    request_set r;

    request_set_init(&r, "FwoGZXIvYXdzEXAMPLEsessionTOKEN", 0);
    every_buffer_size_around_needed(&r, with_token, 3);
    null_buffer_with_a_length_is_null_argument(&r);
    invalid_input_with_a_small_buffer_reports_the_input_and_writes_nothing(&r);
    inputs_aliasing_the_output_buffer_sign_the_same(&r);

    request_set_init(&r, NULL, 0);
    every_buffer_size_around_needed(&r, no_token, 2);

    request_set_init(&r, "FwoGZXIvYXdzEXAMPLEsessionTOKEN", SIGV4_FLAG_CONTENT_SHA256_HEADER);
    every_buffer_size_around_needed(&r, all, 4);

    request_set_init(&r, "", SIGV4_FLAG_S3);
    every_buffer_size_around_needed(&r, sha_only, 3);

    /* A size query with amz_date NULL (now) gives the size for the real call too: the date is
     * fixed-width. */
    request_set_init(&r, "tok", 0);
    r.params.amz_date = NULL;
    every_buffer_size_around_needed(&r, with_token, 3);

    printf("%lu passed, 0 failed\n", checks_passed);
    return 0;
}
