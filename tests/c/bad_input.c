/*
 * bad_input.c: every class of bad input to sigv4_sign gets its own status code and a
 * detail message that names the field (and, for a header, its index and name), never a
 * secret; optional NULLs are accepted; limits are enforced at exactly their documented
 * size, with unterminated over-long strings to prove the length scan is bounded.
 *
 * Built and run by tests/c_api.rs under ASan+UBSan and valgrind.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sigv4.h"
#include "check.h"


/* ---- a valid request that each case breaks in exactly one place ---- */
#define SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define TOKEN "FwoGZXIvYXdzEXAMPLEsessionTOKENxyz"

typedef struct fixture {
    sigv4_header headers[2];
    sigv4_request req;
    sigv4_credentials creds;
    sigv4_params params;
    sigv4_output out;
    char buf[8192];
} fixture;

static void fixture_init(fixture *f)
{
    memset(f, 0, sizeof *f);
    f->headers[0].name = "content-type";
    f->headers[0].value = "application/json";
    f->headers[1].name = "x-custom";
    f->headers[1].value = " a   b ";
    f->req.method = "GET";
    f->req.url = "https://api.example.com/trial/getinfo/1234?b=2&a=1";
    f->req.headers = f->headers;
    f->req.header_count = 2;
    f->req.body = NULL;
    f->req.body_len = 0;
    f->req.payload_hash = NULL;
    f->creds.access_key_id = "AKIDEXAMPLE";
    f->creds.secret_access_key = SECRET;
    f->creds.session_token = TOKEN;
    f->params.region = "ap-northeast-1";
    f->params.service = "execute-api";
    f->params.amz_date = "20150830T123600Z";
    f->params.flags = 0;
    f->out.buf = f->buf;
    f->out.buf_len = sizeof f->buf;
}

static sigv4_status fixture_sign(fixture *f)
{
    f->out.buf = f->buf;
    f->out.buf_len = sizeof f->buf;
    return sigv4_sign(&f->req, &f->creds, &f->params, &f->out);
}

/* Signs with a buffer of exactly the size a size query reports (for large outputs). */
static sigv4_status fixture_sign_sized(fixture *f, size_t *needed_out)
{
    sigv4_output out;
    sigv4_status st;
    char *buf;
    memset(&out, 0, sizeof out);
    st = sigv4_sign(&f->req, &f->creds, &f->params, &out);
    if (st != SIGV4_ERR_BUFFER_TOO_SMALL) {
        return st;
    }
    *needed_out = out.buf_used;
    buf = malloc(out.buf_used);
    if (buf == NULL) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    out.buf = buf;
    out.buf_len = out.buf_used;
    st = sigv4_sign(&f->req, &f->creds, &f->params, &out);
    free(buf);
    return st;
}

/* The message must never be NULL and must never leak secret material. */
static const char *checked_message(const char *file, int line)
{
    const char *msg = sigv4_last_error_message();
    check_at(&checks_passed, msg != NULL, file, line, "sigv4_last_error_message() != NULL", "got NULL");
    check_at(&checks_passed, strstr(msg, "wJalrXUtnFEMI") == NULL && strstr(msg, "EXAMPLEKEY") == NULL &&
                 strstr(msg, "K7MDENG") == NULL,
             file, line, "message has no secret key bytes", "message leaks the secret: \"%s\"", msg);
    check_at(&checks_passed, strstr(msg, "sessionTOKEN") == NULL, file, line, "message has no session token",
             "message leaks the session token: \"%s\"", msg);
    return msg;
}

/* Expects `want` and a message that contains needle1 and needle2 (either may be NULL). */
static void expect_at(const char *file, int line, const char *what, sigv4_status got,
                      sigv4_status want, const char *needle1, const char *needle2)
{
    const char *msg = checked_message(file, line);
    check_at(&checks_passed, got == want, file, line, what, "expected status %u (%s), got %u (%s); message: \"%s\"",
             (unsigned)want, sigv4_strerror(want), (unsigned)got, sigv4_strerror(got), msg);
    if (want == SIGV4_OK) {
        check_at(&checks_passed, msg[0] == '\0', file, line, what, "expected \"\" after a success, got \"%s\"", msg);
        return;
    }
    check_at(&checks_passed, msg[0] != '\0', file, line, what, "expected a detail message for status %u, got \"\"",
             (unsigned)got);
    if (needle1 != NULL) {
        check_at(&checks_passed, strstr(msg, needle1) != NULL, file, line, what,
                 "message \"%s\" should name \"%s\"", msg, needle1);
    }
    if (needle2 != NULL) {
        check_at(&checks_passed, strstr(msg, needle2) != NULL, file, line, what,
                 "message \"%s\" should name \"%s\"", msg, needle2);
    }
}
/* EXPECT(fixture, status, needle1, needle2): sign and check code and message. */
#define EXPECT(f, want, n1, n2) \
    expect_at(__FILE__, __LINE__, #want " for " #f, fixture_sign(f), (want), (n1), (n2))
#define EXPECT_OK(f) expect_at(__FILE__, __LINE__, "SIGV4_OK", fixture_sign(f), SIGV4_OK, NULL, NULL)

/* Malloc'd bytes with no terminating NUL: reading past them is caught by ASan/valgrind. */
static char *unterminated(const char *prefix, char fill, size_t len)
{
    size_t plen = strlen(prefix);
    char *p = malloc(len);
    if (p == NULL) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    memcpy(p, prefix, plen);
    memset(p + plen, fill, len - plen);
    return p;
}

/* A NUL-terminated string of exactly len bytes. */
static char *terminated(const char *prefix, char fill, size_t len)
{
    char *p = unterminated(prefix, fill, len + 1);
    p[len] = '\0';
    return p;
}

static void null_pointers_are_null_argument_naming_the_field(void)
{
    fixture f;
    sigv4_status st;

    fixture_init(&f);
    st = sigv4_sign(NULL, &f.creds, &f.params, &f.out);
    expect_at(__FILE__, __LINE__, "NULL request", st, SIGV4_ERR_NULL_ARGUMENT, "request", NULL);
    st = sigv4_sign(&f.req, NULL, &f.params, &f.out);
    expect_at(__FILE__, __LINE__, "NULL credentials", st, SIGV4_ERR_NULL_ARGUMENT, "credentials",
              NULL);
    st = sigv4_sign(&f.req, &f.creds, NULL, &f.out);
    expect_at(__FILE__, __LINE__, "NULL params", st, SIGV4_ERR_NULL_ARGUMENT, "params", NULL);
    st = sigv4_sign(&f.req, &f.creds, &f.params, NULL);
    expect_at(__FILE__, __LINE__, "NULL out", st, SIGV4_ERR_NULL_ARGUMENT, "out", NULL);
    st = sigv4_sign(NULL, NULL, NULL, NULL);
    expect_at(__FILE__, __LINE__, "all NULL", st, SIGV4_ERR_NULL_ARGUMENT, NULL, NULL);

    fixture_init(&f);
    f.req.method = NULL;
    EXPECT(&f, SIGV4_ERR_NULL_ARGUMENT, "method", NULL);

    fixture_init(&f);
    f.req.url = NULL;
    EXPECT(&f, SIGV4_ERR_NULL_ARGUMENT, "url", NULL);

    fixture_init(&f);
    f.req.headers = NULL; /* with header_count 2 */
    EXPECT(&f, SIGV4_ERR_NULL_ARGUMENT, "headers", NULL);

    fixture_init(&f);
    f.headers[1].name = NULL;
    EXPECT(&f, SIGV4_ERR_NULL_ARGUMENT, "headers[1]", NULL);

    fixture_init(&f);
    f.headers[1].value = NULL;
    EXPECT(&f, SIGV4_ERR_NULL_ARGUMENT, "headers[1]", NULL);

    fixture_init(&f);
    f.req.body = NULL;
    f.req.body_len = 5;
    EXPECT(&f, SIGV4_ERR_NULL_ARGUMENT, "body", NULL);

    fixture_init(&f);
    f.creds.access_key_id = NULL;
    EXPECT(&f, SIGV4_ERR_NULL_ARGUMENT, "access_key_id", NULL);

    fixture_init(&f);
    f.creds.secret_access_key = NULL;
    EXPECT(&f, SIGV4_ERR_NULL_ARGUMENT, "secret_access_key", NULL);

    fixture_init(&f);
    f.params.region = NULL;
    EXPECT(&f, SIGV4_ERR_NULL_ARGUMENT, "region", NULL);

    fixture_init(&f);
    f.params.service = NULL;
    EXPECT(&f, SIGV4_ERR_NULL_ARGUMENT, "service", NULL);
}

static void documented_optional_nulls_are_accepted(void)
{
    fixture f;
    static const uint8_t body[] = "{\"k\":1}";

    fixture_init(&f);
    f.req.headers = NULL;
    f.req.header_count = 0;
    EXPECT_OK(&f);

    fixture_init(&f);
    f.req.body = NULL;
    f.req.body_len = 0;
    EXPECT_OK(&f);

    fixture_init(&f);
    f.req.body = body; /* non-NULL body of length 0 is fine too */
    f.req.body_len = 0;
    EXPECT_OK(&f);

    fixture_init(&f);
    f.req.method = "POST";
    f.req.body = body;
    f.req.body_len = sizeof body - 1;
    EXPECT_OK(&f);

    fixture_init(&f);
    f.creds.session_token = NULL;
    EXPECT_OK(&f);
    CHECK(f.out.header_count == 2, "no token: X-Amz-Date + Authorization, got %u headers",
          (unsigned)f.out.header_count);

    fixture_init(&f);
    f.creds.session_token = ""; /* "" also means long-term credentials */
    EXPECT_OK(&f);
    CHECK(f.out.header_count == 2, "empty token: X-Amz-Date + Authorization, got %u headers",
          (unsigned)f.out.header_count);

    fixture_init(&f);
    f.params.amz_date = NULL; /* the current time */
    EXPECT_OK(&f);

    fixture_init(&f);
    f.req.payload_hash = NULL;
    EXPECT_OK(&f);
}

static void invalid_utf8_is_invalid_utf8_in_every_text_field(void)
{
    fixture f;
    sigv4_status st;
    const char *msg;

    fixture_init(&f);
    f.req.method = "G\xff" "T";
    EXPECT(&f, SIGV4_ERR_INVALID_UTF8, "method", NULL);

    fixture_init(&f);
    f.req.url = "https://api.example.com/\xc3\x28";
    EXPECT(&f, SIGV4_ERR_INVALID_UTF8, "url", NULL);

    fixture_init(&f);
    f.headers[1].name = "x-\xff";
    EXPECT(&f, SIGV4_ERR_INVALID_UTF8, "headers[1]", NULL);

    fixture_init(&f);
    f.headers[1].value = "abc\xe2\x82"; /* truncated 3-byte sequence */
    EXPECT(&f, SIGV4_ERR_INVALID_UTF8, "headers[1]", "x-custom");

    fixture_init(&f);
    f.headers[1].value = "\xc0\xaf"; /* overlong encoding of '/' */
    EXPECT(&f, SIGV4_ERR_INVALID_UTF8, "headers[1]", NULL);

    fixture_init(&f);
    f.headers[1].value = "\xed\xa0\x80"; /* UTF-16 surrogate */
    EXPECT(&f, SIGV4_ERR_INVALID_UTF8, "headers[1]", NULL);

    fixture_init(&f);
    f.params.region = "ap-\xff";
    EXPECT(&f, SIGV4_ERR_INVALID_UTF8, "region", NULL);

    fixture_init(&f);
    f.params.service = "\xfe" "api";
    EXPECT(&f, SIGV4_ERR_INVALID_UTF8, "service", NULL);

    fixture_init(&f);
    f.params.amz_date = "2015\xff" "830T123600Z";
    EXPECT(&f, SIGV4_ERR_INVALID_UTF8, "amz_date", NULL);

    fixture_init(&f);
    f.req.payload_hash = "\xff";
    EXPECT(&f, SIGV4_ERR_INVALID_UTF8, "payload_hash", NULL);

    /* Keys and tokens: invalid UTF-8 is INVALID_UTF8 in every field, keys included (a
     * forbidden but valid byte is INVALID_CREDENTIALS, below); the message names the field
     * and never shows the key. */
    fixture_init(&f);
    f.creds.secret_access_key = "wJalrXUtnFEMI/K7MDENG\xff" "bPxRfiCYEXAMPLEKEY";
    st = fixture_sign(&f);
    msg = checked_message(__FILE__, __LINE__);
    CHECK(st == SIGV4_ERR_INVALID_UTF8,
          "\\xff in the secret: got %u (%s): \"%s\"", (unsigned)st, sigv4_strerror(st), msg);
    CHECK(strstr(msg, "secret_access_key") != NULL, "message should name the field: \"%s\"", msg);

    fixture_init(&f);
    f.creds.access_key_id = "AKID\xff";
    st = fixture_sign(&f);
    msg = checked_message(__FILE__, __LINE__);
    CHECK(st == SIGV4_ERR_INVALID_UTF8,
          "\\xff in the access key: got %u (%s): \"%s\"", (unsigned)st, sigv4_strerror(st), msg);
    CHECK(strstr(msg, "access_key_id") != NULL, "message should name the field: \"%s\"", msg);

    fixture_init(&f);
    f.creds.session_token = "Fwo\xff" "sessionTOKEN";
    st = fixture_sign(&f);
    msg = checked_message(__FILE__, __LINE__);
    CHECK(st == SIGV4_ERR_INVALID_UTF8,
          "\\xff in the token: got %u (%s): \"%s\"", (unsigned)st, sigv4_strerror(st), msg);
    CHECK(strstr(msg, "session_token") != NULL, "message should name the field: \"%s\"", msg);

    /* Valid UTF-8 above 0x7F in a header value is signed as given. */
    fixture_init(&f);
    f.headers[1].value = "caf\xc3\xa9 \xe6\x9d\xb1\xe4\xba\xac";
    EXPECT_OK(&f);
}

static void bad_header_names_and_values_are_invalid_header_with_index_and_name(void)
{
    fixture f;
    const char *msg;
    static const char *const bad_values[] = {
        "a\r\nInjected: 1", "a\nb", "a\rb", "trailing\r\n", "a\x01" "b", "a\x7f" "b", "\x1b[0m",
    };
    static const char *const bad_names[] = {
        "", "x custom", "x-custom:", "x(y)", "x\ty", "x\r\ny", "x/y", "x\"y",
    };
    static const char *const reserved[] = {
        "authorization", "Authorization", "x-amz-date", "X-Amz-Date",
        "x-amz-security-token", "X-AMZ-SECURITY-TOKEN", "x-amz-content-sha256",
        "X-Amz-Content-Sha256",
    };
    size_t i;

    for (i = 0; i < sizeof bad_values / sizeof bad_values[0]; i++) {
        fixture_init(&f);
        f.headers[1].value = bad_values[i];
        EXPECT(&f, SIGV4_ERR_INVALID_HEADER, "headers[1]", "x-custom");
    }

    /* The message must not echo the header value (it may carry secrets). */
    fixture_init(&f);
    f.headers[1].value = "Bearer hunter2hunter2\r\n";
    EXPECT(&f, SIGV4_ERR_INVALID_HEADER, "headers[1]", "x-custom");
    msg = sigv4_last_error_message();
    CHECK(strstr(msg, "hunter2") == NULL, "message echoes the header value: \"%s\"", msg);

    /* Tabs inside a value are legal (folded to one space). */
    fixture_init(&f);
    f.headers[1].value = "a\t\tb";
    EXPECT_OK(&f);

    for (i = 0; i < sizeof bad_names / sizeof bad_names[0]; i++) {
        fixture_init(&f);
        f.headers[1].name = bad_names[i];
        EXPECT(&f, SIGV4_ERR_INVALID_HEADER, "headers[1]", NULL);
    }

    for (i = 0; i < sizeof reserved / sizeof reserved[0]; i++) {
        fixture_init(&f);
        f.headers[0].name = reserved[i];
        f.headers[0].value = "x";
        EXPECT(&f, SIGV4_ERR_INVALID_HEADER, "headers[0]", reserved[i]);
    }

    /* The message points at the field or flag to use instead. */
    fixture_init(&f);
    f.headers[1].name = "x-amz-date";
    EXPECT(&f, SIGV4_ERR_INVALID_HEADER, "headers[1]", "amz_date");
    fixture_init(&f);
    f.headers[1].name = "x-amz-security-token";
    EXPECT(&f, SIGV4_ERR_INVALID_HEADER, "headers[1]", "session_token");
    fixture_init(&f);
    f.headers[1].name = "x-amz-content-sha256";
    EXPECT(&f, SIGV4_ERR_INVALID_HEADER, "headers[1]", "SIGV4_FLAG_CONTENT_SHA256_HEADER");

    /* Hop-by-hop headers are legal input; they are just not signed. */
    fixture_init(&f);
    f.headers[1].name = "user-agent";
    f.headers[1].value = "curl/8.0";
    EXPECT_OK(&f);
    CHECK(strstr(f.out.headers[f.out.header_count - 1].value, "user-agent") == NULL,
          "user-agent must not be signed: %s", f.out.headers[f.out.header_count - 1].value);
}

static void bad_methods_are_invalid_method(void)
{
    fixture f;
    static const char *const bad[] = {"", "GE T", "GET\n", "GET\r\n", "G(T", "GET:"};
    size_t i;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        fixture_init(&f);
        f.req.method = bad[i];
        EXPECT(&f, SIGV4_ERR_INVALID_METHOD, "method", NULL);
    }
    /* Methods are case-sensitive tokens; a lower-case or extension method is legal. */
    fixture_init(&f);
    f.req.method = "get";
    EXPECT_OK(&f);
    fixture_init(&f);
    f.req.method = "PROPFIND";
    EXPECT_OK(&f);
}

static void bad_urls_are_invalid_url(void)
{
    fixture f;
    static const char *const bad[] = {
        "",
        "/trial/getinfo/1234",                    /* relative */
        "api.example.com/trial",                  /* no scheme */
        "//api.example.com/trial",                /* scheme-relative */
        "https://api.example.com/trial#frag",     /* fragment */
        "https://api.example.com/trial?a=1#",     /* empty fragment */
        "https://user@api.example.com/trial",     /* userinfo */
        "https://user:pw@api.example.com/trial",  /* userinfo with password */
        "ftp://api.example.com/trial",            /* scheme */
        "file:///etc/passwd",                     /* scheme */
        "https://",                               /* no host */
        "https:///trial",                         /* empty host */
        "https://api.example.com/tri al",         /* space */
        "https://api.example.com/trial?a=b c",    /* space in the query */
        "https://api.example.com/%zz",            /* bad escape */
        "https://api.example.com/%4",             /* truncated escape */
        "https://api.example.com/a%",             /* truncated escape */
        "https://api.example.com/\x01",           /* control */
        "https://api.example.com/\x7f",           /* DEL */
        "https://api.example.com/caf\xc3\xa9",    /* non-ASCII, valid UTF-8 */
        "https://api.example.com\r\n/x",          /* CR LF */
    };
    size_t i;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        fixture_init(&f);
        f.req.url = bad[i];
        EXPECT(&f, SIGV4_ERR_INVALID_URL, "url", NULL);
    }

    /* A space: the message tells the caller to percent-encode. */
    fixture_init(&f);
    f.req.url = "https://api.example.com/tri al";
    EXPECT(&f, SIGV4_ERR_INVALID_URL, "url", "percent");

    /* Legal shapes. */
    fixture_init(&f);
    f.req.url = "http://api.example.com:8080/a/../b//c?x=%20&&y";
    EXPECT_OK(&f);
    fixture_init(&f);
    f.req.url = "https://api.example.com"; /* empty path signs as "/" */
    EXPECT_OK(&f);
}

static void bad_credentials_are_invalid_credentials(void)
{
    fixture f;

    fixture_init(&f);
    f.creds.access_key_id = "";
    EXPECT(&f, SIGV4_ERR_INVALID_CREDENTIALS, "access_key_id", NULL);

    fixture_init(&f);
    f.creds.secret_access_key = "";
    EXPECT(&f, SIGV4_ERR_INVALID_CREDENTIALS, "secret_access_key", NULL);

    /* A control byte in the secret: named, never echoed (checked_message checks). */
    fixture_init(&f);
    f.creds.secret_access_key = "wJalrXUtnFEMI/K7MDENG\x01" "bPxRfiCYEXAMPLEKEY";
    EXPECT(&f, SIGV4_ERR_INVALID_CREDENTIALS, "secret_access_key", NULL);

    fixture_init(&f);
    f.creds.access_key_id = "AKID EXAMPLE\n";
    EXPECT(&f, SIGV4_ERR_INVALID_CREDENTIALS, "access_key_id", NULL);

    fixture_init(&f);
    f.creds.session_token = "Fwo\r\nsessionTOKEN";
    EXPECT(&f, SIGV4_ERR_INVALID_CREDENTIALS, "session_token", NULL);
}

static void bad_dates_are_invalid_date(void)
{
    fixture f;
    static const char *const bad[] = {
        "",
        "20151330T123600Z", /* month 13 */
        "20150030T123600Z", /* month 0 */
        "20150230T123600Z", /* February 30 */
        "20150229T123600Z", /* 2015 is not a leap year */
        "21000229T000000Z", /* 2100 is not a leap year */
        "20150431T123600Z", /* April 31 */
        "20150800T123600Z", /* day 0 */
        "20150830T243600Z", /* hour 24 */
        "20150830T126000Z", /* minute 60 */
        "20150830T123600",  /* no Z */
        "20150830T123600z", /* lower-case z */
        "20150830T123600ZZ",
        "2015-08-30T12:36:00Z",
        "20150830 123600Z",
        "2015083T123600Z",
        "+0150830T123600Z",
        "Sun, 30 Aug 2015 12:36:00 GMT",
    };
    size_t i;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        fixture_init(&f);
        f.params.amz_date = bad[i];
        EXPECT(&f, SIGV4_ERR_INVALID_DATE, "amz_date", NULL);
    }
    fixture_init(&f);
    f.params.amz_date = "20160229T000000Z"; /* leap day */
    EXPECT_OK(&f);
    fixture_init(&f);
    f.params.amz_date = "20000229T235959Z"; /* 2000 is a leap year */
    EXPECT_OK(&f);
    fixture_init(&f);
    f.params.amz_date = "20151231T235959Z";
    EXPECT_OK(&f);
}

static void bad_scopes_are_invalid_scope(void)
{
    fixture f;

    fixture_init(&f);
    f.params.region = "";
    EXPECT(&f, SIGV4_ERR_INVALID_SCOPE, "region", NULL);

    fixture_init(&f);
    f.params.region = "ap/northeast-1";
    EXPECT(&f, SIGV4_ERR_INVALID_SCOPE, "region", NULL);

    fixture_init(&f);
    f.params.service = "";
    EXPECT(&f, SIGV4_ERR_INVALID_SCOPE, "service", NULL);

    fixture_init(&f);
    f.params.service = "execute/api";
    EXPECT(&f, SIGV4_ERR_INVALID_SCOPE, "service", NULL);

    fixture_init(&f);
    f.params.service = "/";
    EXPECT(&f, SIGV4_ERR_INVALID_SCOPE, "service", NULL);
}

static void bad_payload_hashes_are_invalid_payload_hash(void)
{
    fixture f;
    static const char *const bad[] = {
        "",
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85",   /* 63 */
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b8555", /* 65 */
        "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",  /* upper */
        "g3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",  /* not hex */
        "unsigned-payload",
        "UNSIGNED-PAYLOAD ",
        "STREAMING-FOO",
        "STREAMING-",
    };
    static const char *const good[] = {
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "UNSIGNED-PAYLOAD",
        "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
        "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
        "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
        "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD",
        "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER",
    };
    size_t i;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        fixture_init(&f);
        f.req.payload_hash = bad[i];
        EXPECT(&f, SIGV4_ERR_INVALID_PAYLOAD_HASH, "payload_hash", NULL);
    }
    for (i = 0; i < sizeof good / sizeof good[0]; i++) {
        fixture_init(&f);
        f.req.payload_hash = good[i];
        EXPECT_OK(&f);
    }
}

static void unknown_flag_bits_are_invalid_flags(void)
{
    fixture f;
    static const uint32_t bad[] = {16u, 32u, 0x80000000u, 0xFFFFFFFFu, 15u | 64u};
    size_t i;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        fixture_init(&f);
        f.params.flags = bad[i];
        EXPECT(&f, SIGV4_ERR_INVALID_FLAGS, "flags", NULL);
    }
    fixture_init(&f);
    f.params.flags = SIGV4_FLAG_S3 | SIGV4_FLAG_UNSIGNED_SESSION_TOKEN; /* every known bit */
    EXPECT_OK(&f);
}

static void sizes_past_the_limits_are_too_large_and_the_scan_is_bounded(void)
{
    fixture f;
    size_t needed = 0;
    sigv4_header *many;
    char (*names)[16];
    char *p;
    size_t i;

    /* URL: SIGV4_MAX_URL_LEN + 1 bytes with no NUL anywhere. */
    fixture_init(&f);
    p = unterminated("https://api.example.com/", 'a', (size_t)SIGV4_MAX_URL_LEN + 1);
    f.req.url = p;
    EXPECT(&f, SIGV4_ERR_TOO_LARGE, "url", NULL);
    free(p);
    /* ... and exactly SIGV4_MAX_URL_LEN is accepted. */
    fixture_init(&f);
    p = terminated("https://api.example.com/", 'a', (size_t)SIGV4_MAX_URL_LEN);
    f.req.url = p;
    EXPECT_OK(&f);
    free(p);

    /* Header value. */
    fixture_init(&f);
    p = unterminated("", 'v', (size_t)SIGV4_MAX_FIELD_LEN + 1);
    f.headers[1].value = p;
    EXPECT(&f, SIGV4_ERR_TOO_LARGE, "headers[1]", NULL);
    free(p);
    fixture_init(&f);
    p = terminated("", 'v', (size_t)SIGV4_MAX_FIELD_LEN);
    f.headers[1].value = p;
    EXPECT_OK(&f);
    free(p);

    /* Session token (it is copied into the output, so size the buffer by a query). */
    fixture_init(&f);
    p = unterminated("", 'T', (size_t)SIGV4_MAX_FIELD_LEN + 1);
    f.creds.session_token = p;
    EXPECT(&f, SIGV4_ERR_TOO_LARGE, "session_token", NULL);
    free(p);
    fixture_init(&f);
    p = terminated("", 'T', (size_t)SIGV4_MAX_FIELD_LEN);
    f.creds.session_token = p;
    CHECK(fixture_sign_sized(&f, &needed) == SIGV4_OK, "a token of exactly the limit: %s",
          sigv4_last_error_message());
    CHECK(needed > (size_t)SIGV4_MAX_FIELD_LEN, "the token is in the output: needed %u",
          (unsigned)needed);
    free(p);

    /* Secret key and access key id. */
    fixture_init(&f);
    p = unterminated("", 'K', (size_t)SIGV4_MAX_FIELD_LEN + 1);
    f.creds.secret_access_key = p;
    EXPECT(&f, SIGV4_ERR_TOO_LARGE, "secret_access_key", NULL);
    CHECK(strstr(sigv4_last_error_message(), "KKKKKKKK") == NULL, "message leaks the secret: %s",
          sigv4_last_error_message());
    free(p);
    fixture_init(&f);
    p = terminated("", 'K', (size_t)SIGV4_MAX_FIELD_LEN);
    f.creds.secret_access_key = p;
    EXPECT_OK(&f);
    free(p);
    fixture_init(&f);
    p = unterminated("", 'A', (size_t)SIGV4_MAX_FIELD_LEN + 1);
    f.creds.access_key_id = p;
    EXPECT(&f, SIGV4_ERR_TOO_LARGE, "access_key_id", NULL);
    free(p);

    /* Header count: SIGV4_MAX_HEADERS + 1 valid headers is too many; exactly the limit signs. */
    many = calloc((size_t)SIGV4_MAX_HEADERS + 1, sizeof *many);
    names = calloc((size_t)SIGV4_MAX_HEADERS + 1, sizeof *names);
    CHECK(many != NULL && names != NULL, "out of memory");
    for (i = 0; i < (size_t)SIGV4_MAX_HEADERS + 1; i++) {
        snprintf(names[i], sizeof names[i], "x-h%05u", (unsigned)i);
        many[i].name = names[i];
        many[i].value = "v";
    }
    fixture_init(&f);
    f.req.headers = many;
    f.req.header_count = (size_t)SIGV4_MAX_HEADERS + 1;
    EXPECT(&f, SIGV4_ERR_TOO_LARGE, "header", NULL);
    fixture_init(&f);
    f.req.headers = many;
    f.req.header_count = (size_t)SIGV4_MAX_HEADERS;
    CHECK(fixture_sign_sized(&f, &needed) == SIGV4_OK, "exactly SIGV4_MAX_HEADERS headers: %s",
          sigv4_last_error_message());
    CHECK(needed > (size_t)SIGV4_MAX_HEADERS * 8, "every header name is in SignedHeaders: needed %u",
          (unsigned)needed);
    /* The same name 1024 times is merged into one signed header. */
    for (i = 0; i < (size_t)SIGV4_MAX_HEADERS; i++) {
        many[i].name = "x-dup";
    }
    EXPECT_OK(&f);
    free(many);
    free(names);

    /* An absurd count with a real (small) array must be refused before it is read. */
    fixture_init(&f);
    f.req.header_count = (size_t)-1;
    EXPECT(&f, SIGV4_ERR_TOO_LARGE, "header", NULL);
}

static void failures_leave_a_message_and_success_clears_it(void)
{
    fixture f;
    const char *msg;
    char saved[512];

    fixture_init(&f);
    f.params.region = "";
    EXPECT(&f, SIGV4_ERR_INVALID_SCOPE, "region", NULL);
    msg = sigv4_last_error_message();
    /* Reading the message twice without another call gives the same text. */
    snprintf(saved, sizeof saved, "%s", msg);
    CHECK(strcmp(saved, sigv4_last_error_message()) == 0, "message changed between reads");

    /* A newer failure replaces the older message entirely. */
    fixture_init(&f);
    f.params.service = "";
    EXPECT(&f, SIGV4_ERR_INVALID_SCOPE, "service", NULL);
    CHECK(strstr(sigv4_last_error_message(), "region") == NULL, "stale message: \"%s\"",
          sigv4_last_error_message());

    /* A success clears it. */
    fixture_init(&f);
    EXPECT_OK(&f);
    CHECK(strcmp(sigv4_last_error_message(), "") == 0, "after success: \"%s\"",
          sigv4_last_error_message());
}

int main(void)
{
    const char *msg = sigv4_last_error_message();
    CHECK(msg != NULL && msg[0] == '\0', "before any call the message is \"\", got %s",
          msg == NULL ? "NULL" : msg);

    null_pointers_are_null_argument_naming_the_field();
    documented_optional_nulls_are_accepted();
    invalid_utf8_is_invalid_utf8_in_every_text_field();
    bad_header_names_and_values_are_invalid_header_with_index_and_name();
    bad_methods_are_invalid_method();
    bad_urls_are_invalid_url();
    bad_credentials_are_invalid_credentials();
    bad_dates_are_invalid_date();
    bad_scopes_are_invalid_scope();
    bad_payload_hashes_are_invalid_payload_hash();
    unknown_flag_bits_are_invalid_flags();
    sizes_past_the_limits_are_too_large_and_the_scan_is_bounded();
    failures_leave_a_message_and_success_clears_it();

    printf("%lu passed, 0 failed\n", checks_passed);
    return 0;
}
