package sigv4

import (
	"io"
	"net/http"
	"runtime"
	"sync"
	"time"
)

func (o *Options) flags() uint32 {
	var f uint32
	if o.S3 {
		f |= flagS3
	}
	if o.DisableDoubleEncoding {
		f |= flagNoDoubleEncode
	}
	if o.DisablePathNormalization {
		f |= flagNoPathNormalize
	}
	if o.ContentSHA256Header {
		f |= flagContentSHA256Header
	}
	if o.UnsignedSessionToken {
		f |= flagUnsignedSessionToken
	}
	return f
}

// Sign signs req in place with AWS Signature Version 4: it signs what net/http will send (see
// the package documentation) with body as the payload, unless opts.PayloadHash is set, and
// adds X-Amz-Date, X-Amz-Security-Token (with a session token), X-Amz-Content-Sha256 (S3 or
// opts.ContentSHA256Header) and Authorization to req.Header. body must be the bytes req will
// send; Sign does not read or replace req.Body.
//
// On failure req is left unchanged and the error is an *Error.
func Sign(req *http.Request, body []byte, creds Credentials, opts Options) error {
	return signRequest(nil, req, body, &creds, opts.Region, opts.Service, amzDate(opts.Time),
		opts.PayloadHash, opts.flags())
}

// Signer signs many requests with one set of credentials, region and service, caching the
// derived signing key per date (one HMAC per signature instead of five). It is safe for
// concurrent use. Close it when done; a finalizer frees it otherwise.
type Signer struct {
	mu     sync.RWMutex
	signer *cSigner
}

// NewSigner checks and copies creds into libsigv4 (sigv4_signer_new), with opts.Region,
// opts.Service and the flag options. opts.Time must be zero and opts.PayloadHash empty: both
// are given per request.
func NewSigner(creds Credentials, opts Options) (*Signer, error) {
	if !opts.Time.IsZero() {
		return nil, newError(codeInvalidDate,
			"opts.Time: must be zero for NewSigner; pass the signing time to Signer.Sign")
	}
	if opts.PayloadHash != "" {
		return nil, newError(codeInvalidPayloadHash,
			"opts.PayloadHash: must be empty for NewSigner; pass it to Signer.SignPayloadHash")
	}
	s, err := newCSigner(&creds, opts.Region, opts.Service, opts.flags())
	if err != nil {
		return nil, err
	}
	signer := &Signer{signer: s}
	runtime.SetFinalizer(signer, (*Signer).Close)
	return signer, nil
}

// Sign signs req as the package-level Sign does, at time at (zero: now).
func (s *Signer) Sign(req *http.Request, body []byte, at time.Time) error {
	return s.sign(req, body, "", at)
}

// SignPayloadHash signs req with payloadHash (64 lower-case hex digits from a PayloadHasher,
// UnsignedPayload, or a STREAMING-... token) instead of hashing a body.
func (s *Signer) SignPayloadHash(req *http.Request, payloadHash string, at time.Time) error {
	return s.sign(req, nil, payloadHash, at)
}

func (s *Signer) sign(req *http.Request, body []byte, payloadHash string, at time.Time) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.signer == nil {
		return ErrClosed
	}
	err := signRequest(s.signer, req, body, nil, "", "", amzDate(at), payloadHash, 0)
	runtime.KeepAlive(s)
	return err
}

// Close frees the signer and wipes its keys; later calls return ErrClosed. Safe to call twice.
func (s *Signer) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.signer != nil {
		s.signer.free()
		s.signer = nil
		runtime.SetFinalizer(s, nil)
	}
	return nil
}

// PayloadHasher computes the SHA-256 of a body that is not in memory, as an io.Writer; give
// Sum's result as Options.PayloadHash or to Signer.SignPayloadHash. Safe for concurrent use
// (calls are serialised). Close it when done; a finalizer frees it otherwise.
type PayloadHasher struct {
	mu     sync.Mutex
	hasher *cHasher
}

// NewPayloadHasher starts an empty hash (sigv4_payload_hasher_new).
func NewPayloadHasher() (*PayloadHasher, error) {
	h, err := newCHasher()
	if err != nil {
		return nil, err
	}
	hasher := &PayloadHasher{hasher: h}
	runtime.SetFinalizer(hasher, (*PayloadHasher).Close)
	return hasher, nil
}

// Write adds p to the hash; it never fails short.
func (h *PayloadHasher) Write(p []byte) (int, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.hasher == nil {
		return 0, ErrClosed
	}
	if err := h.hasher.update(p); err != nil {
		return 0, err
	}
	runtime.KeepAlive(h)
	return len(p), nil
}

// Sum returns the SHA-256 of everything written as 64 lower-case hex digits, and starts over.
func (h *PayloadHasher) Sum() (string, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.hasher == nil {
		return "", ErrClosed
	}
	sum, err := h.hasher.finish()
	runtime.KeepAlive(h)
	return sum, err
}

// Close frees the hasher; later calls return ErrClosed. Safe to call twice.
func (h *PayloadHasher) Close() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.hasher != nil {
		h.hasher.free()
		h.hasher = nil
		runtime.SetFinalizer(h, nil)
	}
	return nil
}

// HashPayload reads r to the end and returns its SHA-256 as Options.PayloadHash wants it.
func HashPayload(r io.Reader) (string, error) {
	h, err := NewPayloadHasher()
	if err != nil {
		return "", err
	}
	defer h.Close()
	if _, err := io.Copy(h, r); err != nil {
		return "", err
	}
	return h.Sum()
}
