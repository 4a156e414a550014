// Package sigv4 signs net/http requests with AWS Signature Version 4 through libsigv4's C API
// (include/sigv4.h), using cgo.
//
// Build and link: cgo needs the header and the shared library, e.g.
//
//	CGO_CFLAGS="-I/path/to/libsigv4/include" \
//	CGO_LDFLAGS="-L/path/to/libsigv4/target/release -Wl,-rpath,/path/to/libsigv4/target/release" \
//	go build ./...
//
// The package links with -lsigv4; at run time the loader looks for libsigv4.so.0 (the soname).
//
// # What is signed
//
// [Sign] signs what net/http will put on the wire, and adds X-Amz-Date, X-Amz-Security-Token
// (with a session token), X-Amz-Content-Sha256 (S3, or Options.ContentSHA256Header) and
// Authorization to req.Header:
//
//   - the URL: req.URL's scheme, host and RequestURI() (the escaped path, honouring
//     URL.RawPath, and URL.RawQuery), which is the request line the client sends; a fragment is
//     never sent and so never signed. Userinfo in the URL is refused (ErrInvalidURL).
//   - the Host header: req.Host when set (a custom domain, a proxy), else req.URL.Host, exactly
//     as net/http sends it (an explicit :443 included).
//   - Content-Length: signed when req.ContentLength > 0 and the body is set (net/http then
//     sends exactly that value); never taken from req.Header, which net/http ignores for it.
//   - every header in req.Header except Host, Content-Length, Transfer-Encoding and Trailer,
//     which net/http writes from the request's fields instead. User-Agent is passed but never
//     signed (libsigv4 leaves it out, as proxies rewrite it).
//
// Headers the Transport adds after Sign, such as Accept-Encoding: gzip and the default
// User-Agent, are not signed and need not be: a SigV4 server checks only the headers named in
// SignedHeaders. Do not change a signed header after Sign. To sign a request again (a retry),
// delete the four headers Sign added first: libsigv4 refuses a request that already carries
// them (ErrInvalidHeader), so a stale signature is never signed into a new one.
//
// # Errors
//
// Every failure is an [*Error] carrying libsigv4's status code, its name and the detail
// message, which names the field (for a header, its index in the list passed to C and its
// name). Compare codes with errors.Is(err, sigv4.ErrInvalidHeader).
//
// # Threads and memory
//
// Sign, Signer.Sign and the other functions are safe for concurrent use; a PayloadHasher is
// guarded by its own mutex. Each call copies its strings into one C allocation that is wiped
// (it holds the secret key) and freed before the call returns; the body is read in place. The
// detail message is read by C code in the same cgo call as the failing function, so it always
// belongs to that call whatever OS thread the goroutine runs on.
package sigv4
