/*
 * main.c: the CMake consumer's program (see CMakeLists.txt). Signs the seed request of
 * examples/sign_request.c at its fixed date, with a fixed-size buffer, and prints the library
 * version and the headers to add; tests/install.rs compares them with the known answer.
 */
#include <stdio.h>
#include <string.h>

#include <sigv4.h>

int main(void)
{
    const sigv4_header headers[] = {{"content-type", "application/json"}};
    sigv4_request request;
    sigv4_credentials credentials;
    sigv4_params params;
    sigv4_output out;
    char buf[2048];
    sigv4_status status;
    size_t i;

    memset(&request, 0, sizeof request);
    request.method = "GET";
    request.url = "https://api.example.com/trial/getinfo/1234?b=2&a=1";
    request.headers = headers;
    request.header_count = 1;

    memset(&credentials, 0, sizeof credentials);
    credentials.access_key_id = "AKIDEXAMPLE";
    credentials.secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    credentials.session_token =
        "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMic"
        "RXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKs"
        "burEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0"
        "iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==";

    memset(&params, 0, sizeof params);
    params.region = "ap-northeast-1";
    params.service = "execute-api";
    params.amz_date = "20150830T123600Z";

    memset(&out, 0, sizeof out);
    out.buf = buf;
    out.buf_len = sizeof buf;
    status = sigv4_sign(&request, &credentials, &params, &out);
    if (status != SIGV4_OK) {
        fprintf(stderr, "sigv4_sign: %s: %s\n", sigv4_strerror(status), sigv4_last_error_message());
        return 1;
    }
    printf("libsigv4 %s\n", sigv4_version());
    for (i = 0; i < out.header_count; i++) {
        printf("%s: %s\n", out.headers[i].name, out.headers[i].value);
    }
    return 0;
}
