/*
 * sign_request.c: sign one HTTP request with libsigv4 and print the headers to add.
 *
 * The request is the custom-domain API Gateway recipe: the client talks to
 * https://api.example.com (a custom domain in front of API Gateway) and signs for
 * service "execute-api" in region "ap-northeast-1" with temporary credentials, so a
 * session token is sent too.
 *
 * Build and run it with `make example`, or by hand from the repository root:
 *
 *     cargo build --release --lib
 *     cc -std=c99 -Wall -Wextra -pedantic -Iinclude examples/sign_request.c \
 *        target/release/libsigv4.a -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc -o sign_request
 *     ./sign_request          # signs at the fixed time 20150830T123600Z
 *     ./sign_request --now    # signs at the current UTC time
 *
 * (The libraries after libsigv4.a are what `cargo rustc --lib --crate-type staticlib --
 * --print native-static-libs` prints on Linux.)
 *
 * With the fixed time the output is always the same, so it can be compared with another
 * signer (botocore, the aws-sigv4 crate) as a known answer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sigv4.h"

/* Print the status, its static description and this thread's detail message. */
static void report_failure(const char *what, sigv4_status status)
{
    fprintf(stderr, "%s failed: %s (%u): %s\n", what, sigv4_strerror(status),
            (unsigned)status, sigv4_last_error_message());
}

int main(int argc, char **argv)
{
    int use_now = 0;
    int i;
    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--now") == 0) {
            use_now = 1;
        } else {
            fprintf(stderr, "usage: %s [--now]\n", argv[0]);
            return 2;
        }
    }

    /* The headers the HTTP client will send. Host is taken from the URL unless given here. */
    const sigv4_header headers[] = {
        {"content-type", "application/json"},
    };

    /* The request exactly as it goes on the wire: the URL is already percent-encoded. */
    sigv4_request request;
    memset(&request, 0, sizeof request);
    request.method = "GET";
    request.url = "https://api.example.com/trial/getinfo/1234?b=2&a=1";
    request.headers = headers;
    request.header_count = sizeof headers / sizeof headers[0];
    request.body = NULL;        /* a GET has no body: NULL with length 0 is allowed */
    request.body_len = 0;
    request.payload_hash = NULL; /* NULL: libsigv4 hashes the body itself */

    /* Temporary credentials (STS, an instance role, ...) come with a session token.
     * Real programs read these from their environment; never hard-code real keys. */
    sigv4_credentials credentials;
    memset(&credentials, 0, sizeof credentials);
    credentials.access_key_id = "AKIDEXAMPLE";
    credentials.secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    credentials.session_token =
        "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMic"
        "RXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKs"
        "burEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0"
        "iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==";

    /* The scope: with a custom domain the region and service cannot be guessed from the
     * host name, so they are always given explicitly. */
    sigv4_params params;
    memset(&params, 0, sizeof params);
    params.region = "ap-northeast-1";
    params.service = "execute-api";
    params.amz_date = use_now ? NULL : "20150830T123600Z"; /* NULL: the current UTC time */
    params.flags = 0;

    /* Step 1: ask how many bytes the header values need. A NULL buffer of length 0 is a
     * size query: the call answers SIGV4_ERR_BUFFER_TOO_SMALL and sets buf_used. */
    sigv4_output out;
    memset(&out, 0, sizeof out);
    out.buf = NULL;
    out.buf_len = 0;
    sigv4_status status = sigv4_sign(&request, &credentials, &params, &out);
    if (status != SIGV4_ERR_BUFFER_TOO_SMALL) {
        /* Anything else means the request itself was rejected (or, unexpectedly, that
         * an empty buffer was enough). */
        report_failure("sigv4_sign (size query)", status);
        return 1;
    }

    /* Step 2: allocate exactly that much and sign for real. (A fixed buffer of a few KiB
     * fits ordinary requests too; the size query makes the program correct for any.) */
    size_t needed = out.buf_used;
    char *buf = malloc(needed);
    if (buf == NULL) {
        fprintf(stderr, "out of memory\n");
        return 1;
    }
    out.buf = buf;
    out.buf_len = needed;
    status = sigv4_sign(&request, &credentials, &params, &out);
    if (status != SIGV4_OK) {
        report_failure("sigv4_sign", status);
        free(buf);
        return 1;
    }

    /* Step 3: add these headers to the request, in this order. The names are static
     * strings; the values point into buf, so use them before freeing it. */
    size_t h;
    for (h = 0; h < out.header_count; h++) {
        printf("%s: %s\n", out.headers[h].name, out.headers[h].value);
    }

    free(buf);
    return 0;
}
