/*
 * sign_request.cpp: the C example's request, signed from C++ through a small RAII wrapper.
 *
 * libsigv4 is a C library; this file shows how a C++ program holds it: a `Signer` owning a
 * `sigv4_signer *` through std::unique_ptr with a deleter that calls sigv4_signer_free, and an
 * `Error` exception carrying the status code and sigv4_last_error_message(). The wrapper lives
 * here, in the example, not in the library: copy it and shape it to your program.
 *
 * It signs the same request as examples/sign_request.c (GET on the custom domain
 * api.example.com, execute-api, ap-northeast-1, temporary credentials with a session token)
 * and prints the same headers. Build it from the repository root:
 *
 *     cargo build --release --lib
 *     c++ -std=c++11 -Wall -Wextra -pedantic -Iinclude examples/sign_request.cpp \
 *         target/release/libsigv4.a -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc -o sign_request_cpp
 *     ./sign_request_cpp                  # signs at the fixed time 20150830T123600Z
 *     ./sign_request_cpp --now            # signs at the current UTC time
 *     ./sign_request_cpp --region REGION  # another region (an invalid one shows the Error)
 *
 * or, with libsigv4 installed: c++ -std=c++17 sign_request.cpp $(pkg-config --cflags --libs sigv4)
 */
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "sigv4.h"

namespace {

/* A failed sigv4_* call: the status code, its static description and this thread's detail
 * message, copied at once (the library's pointer is only valid until its next call). */
class Error : public std::runtime_error {
public:
    Error(const char *what, sigv4_status status)
        : std::runtime_error(std::string(what) + ": " + sigv4_strerror(status) + " (" +
                             std::to_string(static_cast<unsigned long>(status)) +
                             "): " + sigv4_last_error_message()),
          status_(status)
    {
    }

    /* One of the SIGV4_ERR_* codes. */
    sigv4_status status() const noexcept { return status_; }

private:
    sigv4_status status_;
};

typedef std::pair<std::string, std::string> Header;

/* A sigv4_signer: credentials, region, service and flags bound once, the derived key cached
 * by date. Movable, not copyable; freed (and its secrets wiped) when it goes out of scope.
 * sign() may be called from many threads at once, as sigv4_signer_sign allows. */
class Signer {
public:
    Signer(const std::string &access_key_id, const std::string &secret_access_key,
           const std::string &session_token, const std::string &region,
           const std::string &service, std::uint32_t flags = 0)
    {
        sigv4_credentials credentials;
        std::memset(&credentials, 0, sizeof credentials);
        credentials.access_key_id = access_key_id.c_str();
        credentials.secret_access_key = secret_access_key.c_str();
        credentials.session_token = session_token.c_str(); /* "" = long-term credentials */

        sigv4_params params;
        std::memset(&params, 0, sizeof params);
        params.region = region.c_str();
        params.service = service.c_str();
        params.amz_date = nullptr; /* a signer takes the date per signature */
        params.flags = flags;

        sigv4_signer *raw = nullptr;
        sigv4_status status = sigv4_signer_new(&credentials, &params, &raw);
        if (status != SIGV4_OK) {
            throw Error("sigv4_signer_new", status);
        }
        signer_.reset(raw); /* the signer copied the credentials: ours may be wiped now */
    }

    /* Returns the headers to add to the request, in order. `headers` are the headers that
     * will be sent; `amz_date` is "YYYYMMDDTHHMMSSZ", or empty for the current time. */
    std::vector<Header> sign(const std::string &method, const std::string &url,
                             const std::vector<Header> &headers, const std::string &body,
                             const std::string &amz_date = std::string()) const
    {
        std::vector<sigv4_header> c_headers;
        c_headers.reserve(headers.size());
        for (const Header &h : headers) {
            sigv4_header c_header;
            c_header.name = h.first.c_str();
            c_header.value = h.second.c_str();
            c_headers.push_back(c_header);
        }

        sigv4_request request;
        std::memset(&request, 0, sizeof request);
        request.method = method.c_str();
        request.url = url.c_str();
        request.headers = c_headers.empty() ? nullptr : c_headers.data();
        request.header_count = c_headers.size();
        request.body = reinterpret_cast<const std::uint8_t *>(body.data());
        request.body_len = body.size();
        request.payload_hash = nullptr; /* libsigv4 hashes the body */

        /* 1 KiB fits ordinary requests; if not, the library says how much it needs
         * (buf_used) and the second call cannot fall short. */
        std::vector<char> buf(1024);
        sigv4_output out;
        for (int attempt = 0;; attempt++) {
            std::memset(&out, 0, sizeof out);
            out.buf = buf.data();
            out.buf_len = buf.size();
            sigv4_status status = sigv4_signer_sign(
                signer_.get(), &request, amz_date.empty() ? nullptr : amz_date.c_str(), &out);
            if (status == SIGV4_OK) {
                break;
            }
            if (status != SIGV4_ERR_BUFFER_TOO_SMALL || attempt > 0) {
                throw Error("sigv4_signer_sign", status);
            }
            buf.resize(out.buf_used);
        }

        /* The values point into buf: copy them out before it goes. */
        std::vector<Header> result;
        for (std::size_t i = 0; i < out.header_count; i++) {
            result.push_back(Header(out.headers[i].name, out.headers[i].value));
        }
        return result;
    }

private:
    struct Free {
        void operator()(sigv4_signer *signer) const noexcept { sigv4_signer_free(signer); }
    };
    std::unique_ptr<sigv4_signer, Free> signer_;
};

} // namespace

int main(int argc, char **argv)
{
    bool use_now = false;
    std::string region = "ap-northeast-1";
    for (int i = 1; i < argc; i++) {
        const std::string arg = argv[i];
        if (arg == "--now") {
            use_now = true;
        } else if (arg == "--region" && i + 1 < argc) {
            region = argv[++i];
        } else {
            std::cerr << "usage: " << argv[0] << " [--now] [--region REGION]\n";
            return 2;
        }
    }

    try {
        /* Temporary credentials (STS, an instance role, ...) come with a session token.
         * Real programs read these from their environment; never hard-code real keys. */
        const Signer signer(
            "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMic"
            "RXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKs"
            "burEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0"
            "iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==",
            region, "execute-api");

        /* The request exactly as it goes on the wire; Host comes from the URL. */
        std::vector<Header> headers;
        headers.push_back(Header("content-type", "application/json"));
        const std::vector<Header> added =
            signer.sign("GET", "https://api.example.com/trial/getinfo/1234?b=2&a=1", headers,
                        std::string(), use_now ? std::string() : std::string("20150830T123600Z"));

        for (const Header &h : added) {
            std::cout << h.first << ": " << h.second << "\n";
        }
    } catch (const Error &e) {
        /* e.status() is the SIGV4_ERR_* code, for programs that branch on it. */
        std::cerr << "sign_request: " << e.what() << "\n";
        return 1;
    } catch (const std::exception &e) { /* std::bad_alloc from the vectors and strings */
        std::cerr << "sign_request: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
