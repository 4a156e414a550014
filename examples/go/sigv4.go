package sigv4

import (
	"errors"
	"fmt"
	"time"
)

// Credentials are the keys to sign with. SessionToken is empty for long-term keys and set for
// temporary ones (STS, instance and task roles); it is sent and signed as X-Amz-Security-Token.
type Credentials struct {
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
}

// String prints the access key id only: the secret and the token are redacted, so credentials
// can be logged by accident without leaking.
func (c Credentials) String() string {
	token := "none"
	if c.SessionToken != "" {
		token = "** redacted **"
	}
	return fmt.Sprintf("{AccessKeyID:%s SecretAccessKey:** redacted ** SessionToken:%s}",
		c.AccessKeyID, token)
}

// GoString redacts like String, for %#v.
func (c Credentials) GoString() string {
	return "sigv4.Credentials" + c.String()
}

// Options say where, when and how to sign.
type Options struct {
	// Region, e.g. "ap-northeast-1"; required.
	Region string
	// Service, the signing name, e.g. "execute-api", "s3", "sts"; required.
	Service string
	// Time is the signing time; the zero value means now (libsigv4 reads the clock).
	Time time.Time
	// PayloadHash, when set, is signed instead of the SHA-256 of the body: 64 lower-case hex
	// digits (from a PayloadHasher), UnsignedPayload, or a "STREAMING-..." token. Only for
	// Sign: a Signer takes it per request (Signer.SignPayloadHash).
	PayloadHash string
	// S3 applies S3's rules: DisableDoubleEncoding, DisablePathNormalization and
	// ContentSHA256Header. Implied by Service "s3".
	S3 bool
	// DisableDoubleEncoding signs the path as sent instead of percent-encoding it once more
	// (SIGV4_FLAG_NO_DOUBLE_ENCODE).
	DisableDoubleEncoding bool
	// DisablePathNormalization keeps "." and ".." segments and repeated slashes
	// (SIGV4_FLAG_NO_PATH_NORMALIZE).
	DisablePathNormalization bool
	// ContentSHA256Header adds and signs X-Amz-Content-Sha256 (SIGV4_FLAG_CONTENT_SHA256_HEADER).
	ContentSHA256Header bool
	// UnsignedSessionToken returns X-Amz-Security-Token but leaves it out of the signature, as
	// AWS IoT wants (SIGV4_FLAG_UNSIGNED_SESSION_TOKEN).
	UnsignedSessionToken bool
}

// UnsignedPayload is the Options.PayloadHash for a body that is not signed (S3 over HTTPS).
const UnsignedPayload = "UNSIGNED-PAYLOAD"

// amzDate formats t as X-Amz-Date wants it, or "" for the zero time (now).
func amzDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("20060102T150405Z")
}

// Error is a failure reported by libsigv4 (or by this package for what C cannot see, such as
// a NUL byte inside a Go string).
type Error struct {
	// Code is libsigv4's status number (SIGV4_ERR_*), stable across versions.
	Code int
	// Name is the status's C name, e.g. "SIGV4_ERR_INVALID_HEADER".
	Name string
	// Message is the detail, naming the field, e.g.
	// `request.headers[2] ("x-custom"): value contains CR or LF at offset 1`. Never holds a
	// secret, a token or a header value. Empty in the sentinel values.
	Message string
}

// Error returns "sigv4: <message> (<name>)", or the status's description when there is no
// message.
func (e *Error) Error() string {
	if e.Message == "" {
		return "sigv4: " + StatusText(e.Code) + " (" + e.Name + ")"
	}
	return "sigv4: " + e.Message + " (" + e.Name + ")"
}

// Is reports whether target is an *Error with the same Code, so that
// errors.Is(err, sigv4.ErrInvalidHeader) matches whatever the message.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t != nil && t.Code == e.Code
}

// Status codes of include/sigv4.h, by number. The numbers never change.
const (
	codeOK                 = 0
	codeNullArgument       = 1
	codeInvalidUTF8        = 2
	codeInvalidMethod      = 3
	codeInvalidURL         = 4
	codeInvalidHeader      = 5
	codeInvalidCredentials = 6
	codeInvalidScope       = 7
	codeInvalidDate        = 8
	codeInvalidPayloadHash = 9
	codeBufferTooSmall     = 10
	codeTooLarge           = 11
	codeInternal           = 12
	codeInvalidFlags       = 13
)

var codeNames = map[int]string{
	codeOK:                 "SIGV4_OK",
	codeNullArgument:       "SIGV4_ERR_NULL_ARGUMENT",
	codeInvalidUTF8:        "SIGV4_ERR_INVALID_UTF8",
	codeInvalidMethod:      "SIGV4_ERR_INVALID_METHOD",
	codeInvalidURL:         "SIGV4_ERR_INVALID_URL",
	codeInvalidHeader:      "SIGV4_ERR_INVALID_HEADER",
	codeInvalidCredentials: "SIGV4_ERR_INVALID_CREDENTIALS",
	codeInvalidScope:       "SIGV4_ERR_INVALID_SCOPE",
	codeInvalidDate:        "SIGV4_ERR_INVALID_DATE",
	codeInvalidPayloadHash: "SIGV4_ERR_INVALID_PAYLOAD_HASH",
	codeBufferTooSmall:     "SIGV4_ERR_BUFFER_TOO_SMALL",
	codeTooLarge:           "SIGV4_ERR_TOO_LARGE",
	codeInternal:           "SIGV4_ERR_INTERNAL",
	codeInvalidFlags:       "SIGV4_ERR_INVALID_FLAGS",
}

func codeName(code int) string {
	if name, ok := codeNames[code]; ok {
		return name
	}
	return fmt.Sprintf("SIGV4_ERR_UNKNOWN_%d", code)
}

func newError(code int, message string) *Error {
	return &Error{Code: code, Name: codeName(code), Message: message}
}

// Sentinels for errors.Is; they carry no message.
var (
	ErrNullArgument       = newError(codeNullArgument, "")
	ErrInvalidUTF8        = newError(codeInvalidUTF8, "")
	ErrInvalidMethod      = newError(codeInvalidMethod, "")
	ErrInvalidURL         = newError(codeInvalidURL, "")
	ErrInvalidHeader      = newError(codeInvalidHeader, "")
	ErrInvalidCredentials = newError(codeInvalidCredentials, "")
	ErrInvalidScope       = newError(codeInvalidScope, "")
	ErrInvalidDate        = newError(codeInvalidDate, "")
	ErrInvalidPayloadHash = newError(codeInvalidPayloadHash, "")
	ErrBufferTooSmall     = newError(codeBufferTooSmall, "")
	ErrTooLarge           = newError(codeTooLarge, "")
	ErrInternal           = newError(codeInternal, "")
	ErrInvalidFlags       = newError(codeInvalidFlags, "")
)

// ErrClosed is returned by a Signer or PayloadHasher used after Close.
var ErrClosed = errors.New("sigv4: use after Close")
