package sigv4

/*
#cgo LDFLAGS: -lsigv4
#define _DEFAULT_SOURCE 1
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "sigv4.h"

#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
#include <malloc.h>
// Bytes in use on the C heap (all malloc arenas), for the leak test; -1 where unknown.
static long long gosigv4_c_heap_in_use(void) {
	struct mallinfo2 m = mallinfo2();
	return (long long)m.uordblks;
}
#else
static long long gosigv4_c_heap_in_use(void) { return -1; }
#endif

// Everything one signing call hands to C, in one C allocation together with the strings it
// points to (see arena in capi.go).
typedef struct gosigv4_call {
	sigv4_request request;
	sigv4_credentials credentials;
	sigv4_params params;
	sigv4_output out;
	char *retry_buf;    // malloc'ed when out.buf was too small; wiped and freed by release
	size_t retry_len;
	char *message;      // malloc'ed copy of the detail message on failure; freed by release
	sigv4_signer *signer;  // out of gosigv4_signer_new
} gosigv4_call;

// A malloc'ed copy of this thread's detail message: called by the helpers below right after
// the failing sigv4_* call, in the same cgo call, hence on the same OS thread.
static char *gosigv4_copy_message(void) {
	const char *m = sigv4_last_error_message();
	size_t n = strlen(m);
	char *copy = malloc(n + 1);
	if (copy != NULL) {
		memcpy(copy, m, n + 1);
	}
	return copy;
}

static uint32_t gosigv4_run(gosigv4_call *c, const sigv4_signer *signer) {
	if (signer != NULL) {
		return sigv4_signer_sign(signer, &c->request, c->params.amz_date, &c->out);
	}
	return sigv4_sign(&c->request, &c->credentials, &c->params, &c->out);
}

// Signs (with signer, or else with c->credentials and c->params), retrying once with a buffer
// of the size libsigv4 asked for. body may point to Go memory: it is stored in c only during
// this call (cgo's pointer rules).
static uint32_t gosigv4_sign(gosigv4_call *c, const sigv4_signer *signer,
                             const uint8_t *body, size_t body_len) {
	c->request.body = body;
	c->request.body_len = body_len;
	uint32_t status = gosigv4_run(c, signer);
	if (status == SIGV4_ERR_BUFFER_TOO_SMALL && c->out.buf_used > c->out.buf_len) {
		c->retry_buf = malloc(c->out.buf_used);
		if (c->retry_buf != NULL) {
			c->retry_len = c->out.buf_used;
			c->out.buf = c->retry_buf;
			c->out.buf_len = c->retry_len;
			status = gosigv4_run(c, signer);
		}
	}
	if (status != SIGV4_OK) {
		c->message = gosigv4_copy_message();
	}
	c->request.body = NULL;
	c->request.body_len = 0;
	return status;
}

static uint32_t gosigv4_signer_new(gosigv4_call *c) {
	uint32_t status = sigv4_signer_new(&c->credentials, &c->params, &c->signer);
	if (status != SIGV4_OK) {
		c->message = gosigv4_copy_message();
	}
	return status;
}

// Wipes (the call holds the secret key and the signature) and frees a call of size bytes.
static void gosigv4_release(gosigv4_call *c, size_t size) {
	if (c->retry_buf != NULL) {
		explicit_bzero(c->retry_buf, c->retry_len);
		free(c->retry_buf);
	}
	free(c->message);
	explicit_bzero(c, size);
	free(c);
}

static uint32_t gosigv4_hasher_new(sigv4_payload_hasher **out, char **message) {
	uint32_t status = sigv4_payload_hasher_new(out);
	*message = status == SIGV4_OK ? NULL : gosigv4_copy_message();
	return status;
}

static uint32_t gosigv4_hasher_update(sigv4_payload_hasher *h, const uint8_t *data, size_t len,
                                      char **message) {
	uint32_t status = sigv4_payload_hasher_update(h, data, len);
	*message = status == SIGV4_OK ? NULL : gosigv4_copy_message();
	return status;
}

static uint32_t gosigv4_hasher_finish(sigv4_payload_hasher *h, char *out, size_t out_len,
                                      char **message) {
	uint32_t status = sigv4_payload_hasher_finish(h, out, out_len);
	*message = status == SIGV4_OK ? NULL : gosigv4_copy_message();
	return status;
}
*/
import "C"

import (
	"net/http"
	"sort"
	"strconv"
	"strings"
	"unsafe"
)

// Version is the version of the libsigv4 loaded at run time, e.g. "0.1.0".
func Version() string {
	return C.GoString(C.sigv4_version())
}

// StatusText is libsigv4's description of a status code (sigv4_strerror); any int is fine.
func StatusText(code int) string {
	if code < 0 || int64(code) > int64(^uint32(0)) {
		return "unknown status"
	}
	return C.GoString(C.sigv4_strerror(C.uint32_t(code)))
}

// takeError turns a failed status and its malloc'ed message into an *Error, freeing message.
func takeError(status C.uint32_t, message *C.char) *Error {
	text := ""
	if message != nil {
		text = C.GoString(message)
		C.free(unsafe.Pointer(message))
	}
	return newError(int(status), text)
}

// initialBufLen, when positive, replaces the estimated output buffer size (tests use it to
// exercise the retry on SIGV4_ERR_BUFFER_TOO_SMALL).
var initialBufLen = 0

// arena is one zeroed C allocation holding a gosigv4_call, the header array, every string the
// call passes, and the output buffer. Nothing in it points to Go memory.
type arena struct {
	base unsafe.Pointer
	size int
	mem  []byte
	off  int
}

func newArena(size int) *arena {
	base := C.calloc(1, C.size_t(size))
	if base == nil {
		panic("sigv4: out of C memory")
	}
	return &arena{base: base, size: size, mem: unsafe.Slice((*byte)(base), size)}
}

func (a *arena) call() *C.gosigv4_call {
	return (*C.gosigv4_call)(a.base)
}

// release wipes and frees everything, the retry buffer and message included.
func (a *arena) release() {
	C.gosigv4_release(a.call(), C.size_t(a.size))
	a.base, a.mem = nil, nil
}

// take reserves n bytes aligned to 8 and returns their address.
func (a *arena) take(n int) unsafe.Pointer {
	a.off = align8(a.off)
	p := unsafe.Pointer(&a.mem[a.off])
	a.off += n
	return p
}

// str copies s with a NUL and returns it as a C string; "" gives an empty C string.
func (a *arena) str(s string) *C.char {
	p := (*C.char)(unsafe.Pointer(&a.mem[a.off]))
	copy(a.mem[a.off:], s)
	a.mem[a.off+len(s)] = 0
	a.off += len(s) + 1
	return p
}

// optStr is str, or NULL for "".
func (a *arena) optStr(s string) *C.char {
	if s == "" {
		return nil
	}
	return a.str(s)
}

func align8(n int) int { return (n + 7) &^ 7 }

// header is one name and value passed to C.
type header struct{ name, value string }

// notPassed are the headers net/http writes from the request's fields, ignoring req.Header.
var notPassed = map[string]bool{
	"Host":              true,
	"Content-Length":    true,
	"Transfer-Encoding": true,
	"Trailer":           true,
}

// wireHeaders lists the headers net/http will send for req and that libsigv4 may sign: Host
// first (req.Host or the URL's), Content-Length when net/http will send that value, then
// req.Header sorted by name, values in order.
func wireHeaders(req *http.Request) []header {
	host := req.Host
	if host == "" {
		host = req.URL.Host
	}
	headers := make([]header, 0, len(req.Header)+2)
	headers = append(headers, header{"Host", host})
	if req.ContentLength > 0 && req.Body != nil && req.Body != http.NoBody &&
		len(req.TransferEncoding) == 0 {
		headers = append(headers, header{"Content-Length", strconv.FormatInt(req.ContentLength, 10)})
	}
	names := make([]string, 0, len(req.Header))
	for name := range req.Header {
		if !notPassed[http.CanonicalHeaderKey(name)] {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		for _, value := range req.Header[name] {
			headers = append(headers, header{name, value})
		}
	}
	return headers
}

// wireURL is the absolute URL the client puts on the wire: scheme, host and RequestURI()
// (escaped path with RawPath honoured, raw query), without the fragment. Userinfo is kept so
// that libsigv4 refuses it.
func wireURL(req *http.Request) string {
	u := req.URL
	var b strings.Builder
	b.WriteString(u.Scheme)
	b.WriteString("://")
	if u.User != nil {
		b.WriteString(u.User.String())
		b.WriteByte('@')
	}
	b.WriteString(u.Host)
	b.WriteString(u.RequestURI())
	return b.String()
}

// nulError reports a NUL byte in a Go string, which a C string would silently cut short.
func nulError(code int, field string) *Error {
	return newError(code, field+": contains a NUL byte")
}

func hasNUL(s string) bool { return strings.IndexByte(s, 0) >= 0 }

// signRequest signs req with signer, or with creds and the scope when signer is nil, and on
// success sets the returned headers on req.Header.
func signRequest(signer *cSigner, req *http.Request, body []byte, creds *Credentials,
	region, service, date, payloadHash string, flags uint32) error {
	if req == nil {
		return newError(codeNullArgument, "req: nil *http.Request")
	}
	if req.URL == nil {
		return newError(codeNullArgument, "req.URL: nil")
	}
	method := req.Method
	if method == "" {
		method = http.MethodGet // net/http sends GET for ""
	}
	url := wireURL(req)
	headers := wireHeaders(req)

	// What C cannot see: a NUL inside a Go string.
	switch {
	case hasNUL(method):
		return nulError(codeInvalidMethod, "request.method")
	case hasNUL(url):
		return nulError(codeInvalidURL, "request.url")
	case hasNUL(payloadHash):
		return nulError(codeInvalidPayloadHash, "request.payload_hash")
	case hasNUL(date):
		return nulError(codeInvalidDate, "params.amz_date")
	}
	size := int(C.sizeof_gosigv4_call) + len(headers)*int(C.sizeof_sigv4_header) + 8 +
		len(method) + len(url) + len(date) + len(payloadHash) + 4
	names := 0
	for i, h := range headers {
		if hasNUL(h.name) || hasNUL(h.value) {
			return nulError(codeInvalidHeader,
				"request.headers["+strconv.Itoa(i)+"] ("+strconv.Quote(h.name)+")")
		}
		size += len(h.name) + len(h.value) + 2
		names += len(h.name) + 1
	}
	if creds != nil {
		if err := checkCredentials(creds, region, service); err != nil {
			return err
		}
		size += len(creds.AccessKeyID) + len(creds.SecretAccessKey) + len(creds.SessionToken) +
			len(region) + len(service) + 5
	}
	bufLen := initialBufLen
	if bufLen <= 0 {
		// Generous for X-Amz-Date, the token, X-Amz-Content-Sha256 and Authorization (scope,
		// signed header names, signature): the retry in gosigv4_sign is for the unexpected.
		bufLen = 640 + names
		if creds != nil {
			bufLen += len(creds.AccessKeyID) + len(creds.SessionToken) + len(region) + len(service)
		} else {
			bufLen += signer.scopeLen
		}
	}
	size += bufLen + 8

	a := newArena(size)
	defer a.release()
	c := a.call()
	a.off = int(C.sizeof_gosigv4_call)
	var arr *C.sigv4_header
	if len(headers) > 0 {
		arr = (*C.sigv4_header)(a.take(len(headers) * int(C.sizeof_sigv4_header)))
		cHeaders := unsafe.Slice(arr, len(headers))
		for i, h := range headers {
			cHeaders[i].name = a.str(h.name)
			cHeaders[i].value = a.str(h.value)
		}
	}
	c.request.method = a.str(method)
	c.request.url = a.str(url)
	c.request.headers = arr
	c.request.header_count = C.size_t(len(headers))
	c.request.payload_hash = a.optStr(payloadHash)
	c.params.amz_date = a.optStr(date)
	if creds != nil {
		c.credentials.access_key_id = a.str(creds.AccessKeyID)
		c.credentials.secret_access_key = a.str(creds.SecretAccessKey)
		c.credentials.session_token = a.optStr(creds.SessionToken)
		c.params.region = a.str(region)
		c.params.service = a.str(service)
		c.params.flags = C.uint32_t(flags)
	}
	c.out.buf = (*C.char)(a.take(bufLen))
	c.out.buf_len = C.size_t(bufLen)

	var bodyPtr *C.uint8_t
	if len(body) > 0 {
		bodyPtr = (*C.uint8_t)(unsafe.Pointer(&body[0]))
	}
	var signerPtr *C.sigv4_signer
	if signer != nil {
		signerPtr = signer.ptr
	}
	status := C.gosigv4_sign(c, signerPtr, bodyPtr, C.size_t(len(body)))
	if status != codeOK {
		err := newError(int(status), "")
		if c.message != nil {
			err.Message = C.GoString(c.message)
		}
		return err
	}
	n := int(c.out.header_count)
	out := make([]header, n)
	for i := 0; i < n; i++ {
		out[i] = header{C.GoString(c.out.headers[i].name), C.GoString(c.out.headers[i].value)}
	}
	if req.Header == nil {
		req.Header = make(http.Header, n)
	}
	for _, h := range out {
		req.Header.Set(h.name, h.value)
	}
	return nil
}

func checkCredentials(creds *Credentials, region, service string) error {
	switch {
	case hasNUL(creds.AccessKeyID):
		return nulError(codeInvalidCredentials, "credentials.access_key_id")
	case hasNUL(creds.SecretAccessKey):
		return nulError(codeInvalidCredentials, "credentials.secret_access_key")
	case hasNUL(creds.SessionToken):
		return nulError(codeInvalidCredentials, "credentials.session_token")
	case hasNUL(region):
		return nulError(codeInvalidScope, "params.region")
	case hasNUL(service):
		return nulError(codeInvalidScope, "params.service")
	}
	return nil
}

// newCSigner calls sigv4_signer_new; the credentials are copied by libsigv4 and the arena
// holding them here is wiped.
// cSigner owns a sigv4_signer; scopeLen sizes its output buffers (key id, token, region and
// service appear in the output headers).
type cSigner struct {
	ptr      *C.sigv4_signer
	scopeLen int
}

// cHasher owns a sigv4_payload_hasher.
type cHasher struct{ ptr *C.sigv4_payload_hasher }

func newCSigner(creds *Credentials, region, service string, flags uint32) (*cSigner, error) {
	if err := checkCredentials(creds, region, service); err != nil {
		return nil, err
	}
	size := int(C.sizeof_gosigv4_call) + len(creds.AccessKeyID) + len(creds.SecretAccessKey) +
		len(creds.SessionToken) + len(region) + len(service) + 5
	a := newArena(size)
	defer a.release()
	c := a.call()
	a.off = int(C.sizeof_gosigv4_call)
	c.credentials.access_key_id = a.str(creds.AccessKeyID)
	c.credentials.secret_access_key = a.str(creds.SecretAccessKey)
	c.credentials.session_token = a.optStr(creds.SessionToken)
	c.params.region = a.str(region)
	c.params.service = a.str(service)
	c.params.flags = C.uint32_t(flags)
	status := C.gosigv4_signer_new(c)
	if status != codeOK {
		err := newError(int(status), "")
		if c.message != nil {
			err.Message = C.GoString(c.message)
		}
		return nil, err
	}
	scopeLen := len(creds.AccessKeyID) + len(creds.SessionToken) + len(region) + len(service)
	return &cSigner{ptr: c.signer, scopeLen: scopeLen}, nil
}

func (s *cSigner) free() { C.sigv4_signer_free(s.ptr) }

func newCHasher() (*cHasher, error) {
	var h *C.sigv4_payload_hasher
	var message *C.char
	if status := C.gosigv4_hasher_new(&h, &message); status != codeOK {
		return nil, takeError(status, message)
	}
	return &cHasher{h}, nil
}

func (h *cHasher) update(p []byte) error {
	var data *C.uint8_t
	if len(p) > 0 {
		data = (*C.uint8_t)(unsafe.Pointer(&p[0]))
	}
	var message *C.char
	if status := C.gosigv4_hasher_update(h.ptr, data, C.size_t(len(p)), &message); status != codeOK {
		return takeError(status, message)
	}
	return nil
}

func (h *cHasher) finish() (string, error) {
	var out [C.SIGV4_PAYLOAD_HASH_SIZE]byte
	var message *C.char
	status := C.gosigv4_hasher_finish(h.ptr, (*C.char)(unsafe.Pointer(&out[0])), C.size_t(len(out)), &message)
	if status != codeOK {
		return "", takeError(status, message)
	}
	return string(out[:len(out)-1]), nil
}

func (h *cHasher) free() { C.sigv4_payload_hasher_free(h.ptr) }

// flag bits of include/sigv4.h.
const (
	flagNoDoubleEncode       = uint32(C.SIGV4_FLAG_NO_DOUBLE_ENCODE)
	flagNoPathNormalize      = uint32(C.SIGV4_FLAG_NO_PATH_NORMALIZE)
	flagContentSHA256Header  = uint32(C.SIGV4_FLAG_CONTENT_SHA256_HEADER)
	flagUnsignedSessionToken = uint32(C.SIGV4_FLAG_UNSIGNED_SESSION_TOKEN)
	flagS3                   = uint32(C.SIGV4_FLAG_S3)
)

// cHeapInUse is the C heap's bytes in use (glibc's mallinfo2), or -1 where unknown; the leak
// test reads it (cgo is not allowed in _test.go files).
func cHeapInUse() int64 { return int64(C.gosigv4_c_heap_in_use()) }

// HeaderVersion is the version of include/sigv4.h this package was compiled against
// (SIGV4_VERSION_MAJOR.MINOR.PATCH); compare it with Version.
func HeaderVersion() string {
	return strconv.Itoa(int(C.SIGV4_VERSION_MAJOR)) + "." + strconv.Itoa(int(C.SIGV4_VERSION_MINOR)) +
		"." + strconv.Itoa(int(C.SIGV4_VERSION_PATCH))
}
