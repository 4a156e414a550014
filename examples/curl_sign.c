/*
 * curl_sign.c: sign a request with libsigv4 and send it with libcurl. The recipe a curl-based
 * tool copies.
 *
 *     usage: curl_sign [-X METHOD] [--region R] [--service S] [--data-file FILE] URL
 *
 * Credentials come from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and, for temporary
 * credentials, AWS_SESSION_TOKEN. The region defaults to $AWS_REGION, then
 * $AWS_DEFAULT_REGION, then us-east-1; the service to execute-api. The method defaults to
 * GET, or PUT with --data-file. The response body goes to stdout. Exit status: 0 for an HTTP
 * 1xx-3xx answer, 1 for 4xx/5xx (the status is printed on stderr), 2 for a usage error, 3 when
 * the request could not be signed or sent.
 *
 * Examples (S3 path-style; service s3 implies S3's signing rules and X-Amz-Content-Sha256):
 *
 *     curl_sign --service s3 --data-file photo.jpg https://s3.us-east-1.amazonaws.com/bucket/photo.jpg
 *     curl_sign --service s3 https://s3.us-east-1.amazonaws.com/bucket/photo.jpg > copy.jpg
 *
 * Build, with libsigv4 installed (`make install`):
 *
 *     cc -std=c99 -Wall -Wextra -pedantic curl_sign.c \
 *        $(pkg-config --cflags --libs sigv4 libcurl) -o curl_sign
 *
 * How it fits together:
 *
 * - The body is never held in memory. With --data-file the file is read once in 64 KiB
 *   chunks through sigv4_payload_hasher_update; the hex digest is given to sigv4_sign as
 *   `payload_hash`, so libsigv4 signs without seeing the body. The file is then rewound and
 *   libcurl uploads it (CURLOPT_UPLOAD with CURLOPT_READFUNCTION/READDATA), with
 *   CURLOPT_INFILESIZE_LARGE set to the number of bytes hashed. If the file grows or shrinks
 *   between hashing and sending, the upload is aborted rather than sent with a wrong hash.
 * - Signed headers are exactly the ones this program sets: Host (from the URL, as libcurl
 *   sends it), X-Amz-Date, X-Amz-Security-Token (with a token), X-Amz-Content-Sha256 (S3)
 *   and Authorization. Headers libcurl adds by itself (Accept, Content-Length, and
 *   Expect: 100-continue for uploads) are sent unsigned, which SigV4 allows: a server checks
 *   only the headers named in SignedHeaders. Content-Length is deliberately left to libcurl
 *   and unsigned: it follows from CURLOPT_INFILESIZE_LARGE, and the body itself is covered by
 *   the payload hash, so signing the length would add no protection. (libsigv4 never signs
 *   Expect; a tool that wants to sign more headers, e.g. Content-Type, passes each of them to
 *   sigv4_sign and to libcurl with the same value.)
 * - The URL must be in its wire form (percent-encoded). CURLOPT_PATH_AS_IS stops libcurl from
 *   removing `.`/`..` segments after the path was signed; redirects are not followed, since a
 *   signature is valid for one URL only.
 * - libcurl has its own CURLOPT_AWS_SIGV4 (7.75+). It does not sort the query and sends no
 *   X-Amz-Content-Sha256 for S3 in 7.88, which is why a tool signs with libsigv4 instead.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "sigv4.h"

#define CHUNK_SIZE (64 * 1024)

/* The upload's state, for the read callback. */
struct upload {
    FILE *file;
    curl_off_t size; /* bytes hashed and signed */
    curl_off_t sent; /* bytes handed to libcurl so far */
};

static void usage(const char *argv0)
{
    fprintf(stderr,
            "usage: %s [-X METHOD] [--region R] [--service S] [--data-file FILE] URL\n"
            "credentials: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN (optional)\n",
            argv0);
}

static void report_sigv4(const char *what, sigv4_status status)
{
    fprintf(stderr, "curl_sign: %s failed: %s (%u): %s\n", what, sigv4_strerror(status),
            (unsigned)status, sigv4_last_error_message());
}

/* Hashes the whole file in chunks into `hex` (SIGV4_PAYLOAD_HASH_SIZE bytes) and returns its
 * size in `*size`. Returns 0 on success. */
static int hash_file(FILE *file, const char *path, char *hex, curl_off_t *size)
{
    sigv4_payload_hasher *hasher = NULL;
    unsigned char *chunk = NULL;
    sigv4_status status;
    int rc = -1;
    size_t n;

    *size = 0;
    status = sigv4_payload_hasher_new(&hasher);
    if (status != SIGV4_OK) {
        report_sigv4("sigv4_payload_hasher_new", status);
        return -1;
    }
    chunk = malloc(CHUNK_SIZE);
    if (chunk == NULL) {
        fprintf(stderr, "curl_sign: out of memory\n");
        goto done;
    }
    while ((n = fread(chunk, 1, CHUNK_SIZE, file)) > 0) {
        status = sigv4_payload_hasher_update(hasher, chunk, n);
        if (status != SIGV4_OK) {
            report_sigv4("sigv4_payload_hasher_update", status);
            goto done;
        }
        *size += (curl_off_t)n;
    }
    if (ferror(file)) {
        fprintf(stderr, "curl_sign: reading %s: %s\n", path, strerror(errno));
        goto done;
    }
    status = sigv4_payload_hasher_finish(hasher, hex, SIGV4_PAYLOAD_HASH_SIZE);
    if (status != SIGV4_OK) {
        report_sigv4("sigv4_payload_hasher_finish", status);
        goto done;
    }
    rc = 0;
done:
    free(chunk);
    sigv4_payload_hasher_free(hasher);
    return rc;
}

/* CURLOPT_READFUNCTION: the next bytes of the file, never more than were hashed. */
static size_t read_body(char *buffer, size_t size, size_t nitems, void *userdata)
{
    struct upload *up = userdata;
    size_t want = size * nitems;
    size_t n;
    curl_off_t left = up->size - up->sent;

    if ((curl_off_t)want > left) {
        /* Ask for one byte more than is left, so a file that grew is noticed. */
        want = (size_t)left + (want > (size_t)left ? 1 : 0);
    }
    n = fread(buffer, 1, want, up->file);
    if (ferror(up->file) || (curl_off_t)n > left) {
        fprintf(stderr, "curl_sign: the file %s after it was hashed; not sending it\n",
                ferror(up->file) ? "could not be read" : "grew");
        return CURL_READFUNC_ABORT;
    }
    if (n == 0 && left > 0) {
        fprintf(stderr, "curl_sign: the file shrank after it was hashed; not sending it\n");
        return CURL_READFUNC_ABORT;
    }
    up->sent += (curl_off_t)n;
    return n;
}

/* Appends "Name: value" to a curl header list; libcurl copies the string. */
static int append_header(struct curl_slist **list, const char *name, const char *value)
{
    size_t len = strlen(name) + 2 + strlen(value) + 1;
    char *line = malloc(len);
    struct curl_slist *grown;
    if (line == NULL) {
        return -1;
    }
    snprintf(line, len, "%s: %s", name, value);
    grown = curl_slist_append(*list, line);
    free(line);
    if (grown == NULL) {
        return -1;
    }
    *list = grown;
    return 0;
}

int main(int argc, char **argv)
{
    const char *method = NULL;
    const char *region = NULL;
    const char *service = "execute-api";
    const char *data_file = NULL;
    const char *url = NULL;
    struct upload up = {NULL, 0, 0};
    char payload_hash[SIGV4_PAYLOAD_HASH_SIZE];
    sigv4_request request;
    sigv4_credentials credentials;
    sigv4_params params;
    sigv4_output out;
    sigv4_status status;
    char *buf = NULL;
    struct curl_slist *headers = NULL;
    CURL *curl = NULL;
    CURLcode res;
    char curl_error[CURL_ERROR_SIZE];
    long http_status = 0;
    int exit_code = 3;
    int i;
    size_t h;

    for (i = 1; i < argc; i++) {
        const char *arg = argv[i];
        int has_value = i + 1 < argc;
        if (strcmp(arg, "-X") == 0 && has_value) {
            method = argv[++i];
        } else if (strcmp(arg, "--region") == 0 && has_value) {
            region = argv[++i];
        } else if (strcmp(arg, "--service") == 0 && has_value) {
            service = argv[++i];
        } else if (strcmp(arg, "--data-file") == 0 && has_value) {
            data_file = argv[++i];
        } else if (arg[0] != '-' && url == NULL) {
            url = arg;
        } else {
            usage(argv[0]);
            return 2;
        }
    }
    if (url == NULL) {
        usage(argv[0]);
        return 2;
    }
    if (method == NULL) {
        method = data_file != NULL ? "PUT" : "GET";
    }
    if (region == NULL) {
        region = getenv("AWS_REGION");
    }
    if (region == NULL || region[0] == '\0') {
        region = getenv("AWS_DEFAULT_REGION");
    }
    if (region == NULL || region[0] == '\0') {
        region = "us-east-1";
    }

    /* Once, before anything else: libcurl's global set-up is not thread-safe. */
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        fprintf(stderr, "curl_sign: curl_global_init failed\n");
        return 3;
    }

    memset(&credentials, 0, sizeof credentials);
    credentials.access_key_id = getenv("AWS_ACCESS_KEY_ID");
    credentials.secret_access_key = getenv("AWS_SECRET_ACCESS_KEY");
    credentials.session_token = getenv("AWS_SESSION_TOKEN"); /* NULL or "": long-term keys */
    if (credentials.access_key_id == NULL || credentials.secret_access_key == NULL) {
        fprintf(stderr, "curl_sign: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY\n");
        exit_code = 2;
        goto cleanup;
    }

    memset(&request, 0, sizeof request);
    request.method = method;
    request.url = url;
    request.headers = NULL; /* Host is signed from the URL's authority, as libcurl sends it */
    request.header_count = 0;
    request.body = NULL;
    request.body_len = 0;
    request.payload_hash = NULL; /* no body: the SHA-256 of the empty string */

    if (data_file != NULL) {
        up.file = fopen(data_file, "rb");
        if (up.file == NULL) {
            fprintf(stderr, "curl_sign: cannot open %s: %s\n", data_file, strerror(errno));
            goto cleanup;
        }
        if (hash_file(up.file, data_file, payload_hash, &up.size) != 0) {
            goto cleanup;
        }
        if (fseek(up.file, 0, SEEK_SET) != 0) {
            fprintf(stderr, "curl_sign: cannot rewind %s: %s\n", data_file, strerror(errno));
            goto cleanup;
        }
        request.payload_hash = payload_hash;
    }

    memset(&params, 0, sizeof params);
    params.region = region;
    params.service = service; /* "s3" implies SIGV4_FLAG_S3 */
    params.amz_date = NULL;   /* now */
    params.flags = 0;

    /* Size query, then the real call into a buffer of exactly that size. */
    memset(&out, 0, sizeof out);
    status = sigv4_sign(&request, &credentials, &params, &out);
    if (status != SIGV4_ERR_BUFFER_TOO_SMALL) {
        report_sigv4("sigv4_sign (size query)", status);
        goto cleanup;
    }
    buf = malloc(out.buf_used);
    if (buf == NULL) {
        fprintf(stderr, "curl_sign: out of memory\n");
        goto cleanup;
    }
    out.buf = buf;
    out.buf_len = out.buf_used;
    status = sigv4_sign(&request, &credentials, &params, &out);
    if (status != SIGV4_OK) {
        report_sigv4("sigv4_sign", status);
        goto cleanup;
    }
    for (h = 0; h < out.header_count; h++) {
        if (append_header(&headers, out.headers[h].name, out.headers[h].value) != 0) {
            fprintf(stderr, "curl_sign: out of memory\n");
            goto cleanup;
        }
    }

    curl = curl_easy_init();
    if (curl == NULL) {
        fprintf(stderr, "curl_sign: curl_easy_init failed\n");
        goto cleanup;
    }
    curl_error[0] = '\0';
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, curl_error);
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_PATH_AS_IS, 1L);      /* send the path that was signed */
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);  /* a signature covers one URL */
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers); /* the signature's headers */
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 30L);
    if (data_file != NULL) {
        curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L); /* PUT unless -X says otherwise */
        curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_body);
        curl_easy_setopt(curl, CURLOPT_READDATA, &up);
        curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, up.size);
        if (strcmp(method, "PUT") != 0) {
            curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
        }
    } else if (strcmp(method, "HEAD") == 0) {
        curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
    } else if (strcmp(method, "GET") != 0) {
        curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
    }

    res = curl_easy_perform(curl);
    if (res != CURLE_OK) {
        fprintf(stderr, "curl_sign: %s %s: %s\n", method, url,
                curl_error[0] != '\0' ? curl_error : curl_easy_strerror(res));
        goto cleanup;
    }
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &http_status);
    if (http_status >= 400) {
        fprintf(stderr, "curl_sign: %s %s: HTTP %ld\n", method, url, http_status);
        exit_code = 1;
    } else {
        exit_code = 0;
    }

cleanup:
    curl_easy_cleanup(curl); /* NULL is fine */
    curl_slist_free_all(headers);
    free(buf);
    if (up.file != NULL) {
        fclose(up.file);
    }
    curl_global_cleanup();
    return exit_code;
}
