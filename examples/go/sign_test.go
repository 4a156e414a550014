package sigv4_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"libsigv4.example/sigv4"
)

// The full W1 Authorization, as tests/c/known_answer.c has it (botocore's value; the prefix
// f5243c7ce6290094 is the one shared/BASELINES.md says four implementations agree on).
const w1Authorization = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/ap-northeast-1/execute-api/aws4_request, " +
	"SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-custom, " +
	"Signature=f5243c7ce6290094ecc3a1a9ae7d315a182f9aed75b058cdf61e9189bcc9106a"

func TestW1SignsToTheSameAuthorizationAsTheCKnownAnswer(t *testing.T) {
	req := w1Request(t)
	if err := sigv4.Sign(req, nil, w1Credentials(), w1Options()); err != nil {
		t.Fatal(err)
	}
	if got := req.Header.Get("Authorization"); got != w1Authorization {
		t.Fatalf("W1 Authorization:\n got %s\nwant %s (tests/c/known_answer.c)", got, w1Authorization)
	}
	if !strings.HasPrefix(signatureOf(t, req.Header.Get("Authorization")), "f5243c7ce6290094") {
		t.Fatal("W1 signature must begin f5243c7ce6290094 (shared/BASELINES.md)")
	}
	if got := req.Header.Get("X-Amz-Date"); got != "20150830T123600Z" {
		t.Errorf("X-Amz-Date = %q, want 20150830T123600Z", got)
	}
	if got := req.Header.Get("X-Amz-Security-Token"); got != w1Token() {
		t.Errorf("X-Amz-Security-Token is not the session token verbatim (len %d)", len(got))
	}
	if v := req.Header.Values("X-Amz-Content-Sha256"); len(v) != 0 {
		t.Errorf("X-Amz-Content-Sha256 must not be added without ContentSHA256Header or S3; got %q", v)
	}
}

func TestTimeInAnotherZoneIsSignedAsUTC(t *testing.T) {
	tokyo := time.FixedZone("JST", 9*3600)
	opts := w1Options()
	opts.Time = exampleTime.In(tokyo)
	req := w1Request(t)
	if err := sigv4.Sign(req, nil, w1Credentials(), opts); err != nil {
		t.Fatal(err)
	}
	if got := req.Header.Get("Authorization"); got != w1Authorization {
		t.Fatalf("the same instant in JST must sign like UTC; got %s", got)
	}
}

func TestZeroTimeSignsWithTheCurrentTime(t *testing.T) {
	req := w1Request(t)
	before := time.Now().UTC().Add(-time.Second)
	if err := sigv4.Sign(req, nil, w1Credentials(), sigv4.Options{Region: "ap-northeast-1", Service: "execute-api"}); err != nil {
		t.Fatal(err)
	}
	at, err := time.Parse("20060102T150405Z", req.Header.Get("X-Amz-Date"))
	if err != nil {
		t.Fatal(err)
	}
	if at.Before(before.Truncate(time.Second)) || at.After(time.Now().Add(time.Second)) {
		t.Fatalf("X-Amz-Date %s is not now", at)
	}
}

func TestS3OptionsAddTheContentHashHeader(t *testing.T) {
	body := []byte("hello")
	sum := sha256.Sum256(body)
	for _, opts := range []sigv4.Options{
		{Region: "us-east-1", Service: "s3", Time: exampleTime},
		{Region: "us-east-1", Service: "custom", Time: exampleTime, S3: true},
		{Region: "us-east-1", Service: "custom", Time: exampleTime, ContentSHA256Header: true},
	} {
		req, _ := http.NewRequest(http.MethodPut, "https://bucket.s3.amazonaws.com/a%20b", bytes.NewReader(body))
		if err := sigv4.Sign(req, body, sigv4.Credentials{AccessKeyID: exampleAccessKeyID, SecretAccessKey: exampleSecret}, opts); err != nil {
			t.Fatal(err)
		}
		if got := req.Header.Get("X-Amz-Content-Sha256"); got != hex.EncodeToString(sum[:]) {
			t.Errorf("%+v: X-Amz-Content-Sha256 = %q, want the body's SHA-256", opts, got)
		}
		if !strings.Contains(req.Header.Get("Authorization"), "x-amz-content-sha256") {
			t.Errorf("%+v: X-Amz-Content-Sha256 must be signed", opts)
		}
	}
}

func TestCRLFInAHeaderValueIsErrInvalidHeaderNamingTheHeader(t *testing.T) {
	req := w1Request(t)
	req.Header.Set("X-Injected", "a\r\nX-Evil: 1")
	err := sigv4.Sign(req, nil, w1Credentials(), w1Options())
	var e *sigv4.Error
	if !errors.As(err, &e) {
		t.Fatalf("want *sigv4.Error, got %T %v", err, err)
	}
	if e.Code != 5 || e.Name != "SIGV4_ERR_INVALID_HEADER" || !errors.Is(err, sigv4.ErrInvalidHeader) {
		t.Fatalf("CR/LF in a header value: want code 5 SIGV4_ERR_INVALID_HEADER, got %d %s", e.Code, e.Name)
	}
	for _, part := range []string{"headers[", `"X-Injected"`, "CR or LF"} {
		if !strings.Contains(e.Message, part) {
			t.Errorf("message %q must contain %q", e.Message, part)
		}
	}
	if strings.Contains(err.Error(), "X-Evil") {
		t.Errorf("the error must not quote the header value: %q", err.Error())
	}
	if errors.Is(err, sigv4.ErrInvalidURL) {
		t.Error("errors.Is must compare codes: an invalid header is not an invalid URL")
	}
}

// TestBadInputsGiveTheirCodeAndAMessageNamingTheField walks the error classes a Go caller can
// reach: each must be an *Error with libsigv4's code and a message naming the field.
func TestBadInputsGiveTheirCodeAndAMessageNamingTheField(t *testing.T) {
	good := func() (*http.Request, sigv4.Credentials, sigv4.Options) {
		return w1Request(t), w1Credentials(), w1Options()
	}
	cases := []struct {
		name    string
		edit    func(*http.Request, *sigv4.Credentials, *sigv4.Options)
		want    *sigv4.Error
		message string
	}{
		{"method not a token", func(r *http.Request, _ *sigv4.Credentials, _ *sigv4.Options) { r.Method = "GE T" },
			sigv4.ErrInvalidMethod, "method"},
		{"relative URL", func(r *http.Request, _ *sigv4.Credentials, _ *sigv4.Options) { r.URL.Scheme, r.URL.Host = "", "" },
			sigv4.ErrInvalidURL, "url"},
		{"userinfo in URL", func(r *http.Request, _ *sigv4.Credentials, _ *sigv4.Options) {
			r.URL.User = url.User("user")
		}, sigv4.ErrInvalidURL, "url"},
		{"ftp scheme", func(r *http.Request, _ *sigv4.Credentials, _ *sigv4.Options) { r.URL.Scheme = "ftp" },
			sigv4.ErrInvalidURL, "url"},
		{"Authorization already set", func(r *http.Request, _ *sigv4.Credentials, _ *sigv4.Options) {
			r.Header.Set("Authorization", "Bearer x")
		}, sigv4.ErrInvalidHeader, `"Authorization"`},
		{"X-Amz-Date already set", func(r *http.Request, _ *sigv4.Credentials, _ *sigv4.Options) {
			r.Header.Set("X-Amz-Date", "20150830T123600Z")
		}, sigv4.ErrInvalidHeader, "amz_date"},
		{"header name not a token", func(r *http.Request, _ *sigv4.Credentials, _ *sigv4.Options) {
			r.Header["Bad Name"] = []string{"v"}
		}, sigv4.ErrInvalidHeader, `"Bad Name"`},
		{"NUL in a header value (seen by Go)", func(r *http.Request, _ *sigv4.Credentials, _ *sigv4.Options) {
			r.Header.Set("X-Nul", "a\x00b")
		}, sigv4.ErrInvalidHeader, `"X-Nul"`},
		{"empty access key id", func(_ *http.Request, c *sigv4.Credentials, _ *sigv4.Options) { c.AccessKeyID = "" },
			sigv4.ErrInvalidCredentials, "access_key_id"},
		{"empty secret", func(_ *http.Request, c *sigv4.Credentials, _ *sigv4.Options) { c.SecretAccessKey = "" },
			sigv4.ErrInvalidCredentials, "secret_access_key"},
		{"newline in the token", func(_ *http.Request, c *sigv4.Credentials, _ *sigv4.Options) { c.SessionToken = "a\nb" },
			sigv4.ErrInvalidCredentials, "session_token"},
		{"empty region", func(_ *http.Request, _ *sigv4.Credentials, o *sigv4.Options) { o.Region = "" },
			sigv4.ErrInvalidScope, "region"},
		{"slash in service", func(_ *http.Request, _ *sigv4.Credentials, o *sigv4.Options) { o.Service = "a/b" },
			sigv4.ErrInvalidScope, "service"},
		{"year 10000", func(_ *http.Request, _ *sigv4.Credentials, o *sigv4.Options) {
			o.Time = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
		}, sigv4.ErrInvalidDate, "amz_date"},
		{"payload hash not hex", func(_ *http.Request, _ *sigv4.Credentials, o *sigv4.Options) { o.PayloadHash = "ABC" },
			sigv4.ErrInvalidPayloadHash, "payload_hash"},
		{"header value too long", func(r *http.Request, _ *sigv4.Credentials, _ *sigv4.Options) {
			r.Header.Set("X-Big", strings.Repeat("a", 65537))
		}, sigv4.ErrTooLarge, `"X-Big"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req, creds, opts := good()
			tc.edit(req, &creds, &opts)
			before := req.Header.Clone()
			err := sigv4.Sign(req, nil, creds, opts)
			var e *sigv4.Error
			if !errors.As(err, &e) {
				t.Fatalf("want *sigv4.Error, got %T %v", err, err)
			}
			if !errors.Is(err, tc.want) || e.Code != tc.want.Code || e.Name != tc.want.Name {
				t.Fatalf("want %s (%d), got %s (%d): %v", tc.want.Name, tc.want.Code, e.Name, e.Code, err)
			}
			t.Logf("%v", err)
			if !strings.Contains(e.Message, tc.message) {
				t.Errorf("message %q must name %q", e.Message, tc.message)
			}
			if strings.Contains(err.Error(), exampleSecret) || strings.Contains(err.Error(), w1Token()[:40]) {
				t.Errorf("the error leaks a secret: %q", err.Error())
			}
			if fmt.Sprint(req.Header) != fmt.Sprint(before) {
				t.Errorf("a failed Sign must leave req.Header unchanged:\n%v\n%v", before, req.Header)
			}
		})
	}
}

func TestNilRequestIsErrNullArgument(t *testing.T) {
	if err := sigv4.Sign(nil, nil, w1Credentials(), w1Options()); !errors.Is(err, sigv4.ErrNullArgument) {
		t.Fatalf("Sign(nil) = %v, want ErrNullArgument", err)
	}
	if err := sigv4.Sign(&http.Request{}, nil, w1Credentials(), w1Options()); !errors.Is(err, sigv4.ErrNullArgument) {
		t.Fatalf("Sign with a nil URL = %v, want ErrNullArgument", err)
	}
}

func TestErrorTextHasTheMessageAndNameAndSentinelsHaveTheDescription(t *testing.T) {
	e := &sigv4.Error{Code: 5, Name: "SIGV4_ERR_INVALID_HEADER", Message: `request.headers[1] ("x"): value contains CR or LF`}
	if got := e.Error(); got != `sigv4: request.headers[1] ("x"): value contains CR or LF (SIGV4_ERR_INVALID_HEADER)` {
		t.Errorf("Error() = %q", got)
	}
	if got := sigv4.ErrInvalidURL.Error(); !strings.Contains(got, sigv4.StatusText(4)) || !strings.Contains(got, "SIGV4_ERR_INVALID_URL") {
		t.Errorf("sentinel Error() = %q, want sigv4_strerror(4) and the name", got)
	}
	if got := sigv4.StatusText(1 << 20); got != "unknown status" {
		t.Errorf("StatusText(unknown) = %q", got)
	}
}

func TestVersionOfTheLoadedLibraryMatchesTheHeader(t *testing.T) {
	if sigv4.Version() != sigv4.HeaderVersion() {
		t.Fatalf("libsigv4 loaded at run time is %s, the header is %s", sigv4.Version(), sigv4.HeaderVersion())
	}
}

func TestCredentialsPrintRedacted(t *testing.T) {
	c := w1Credentials()
	for _, s := range []string{fmt.Sprint(c), fmt.Sprintf("%v %+v %#v %s", c, c, c, c), fmt.Sprintf("%v", &c)} {
		if strings.Contains(s, exampleSecret) || strings.Contains(s, w1Token()[:20]) {
			t.Fatalf("formatted credentials leak the secret or token: %s", s)
		}
		if !strings.Contains(s, exampleAccessKeyID) || !strings.Contains(s, "redacted") {
			t.Fatalf("formatted credentials should show the key id and say redacted: %s", s)
		}
	}
}

func TestSignerSignsLikeSign(t *testing.T) {
	opts := w1Options()
	opts.Time = time.Time{}
	signer, err := sigv4.NewSigner(w1Credentials(), opts)
	if err != nil {
		t.Fatal(err)
	}
	defer signer.Close()
	// Several dates, so the signer's key cache is filled, hit and evicted.
	for i, at := range []time.Time{exampleTime, exampleTime.Add(24 * time.Hour), exampleTime, exampleTime.Add(72 * time.Hour), exampleTime} {
		for _, body := range [][]byte{nil, []byte("Action=GetCallerIdentity&Version=2011-06-15")} {
			a := w1Request(t)
			b := w1Request(t)
			o := w1Options()
			o.Time = at
			if err := sigv4.Sign(a, body, w1Credentials(), o); err != nil {
				t.Fatal(err)
			}
			if err := signer.Sign(b, body, at); err != nil {
				t.Fatal(err)
			}
			if signedHeaders(a) != signedHeaders(b) {
				t.Fatalf("round %d: Signer.Sign differs from Sign:\n%s\n%s", i, signedHeaders(a), signedHeaders(b))
			}
		}
	}
	a := w1Request(t)
	if err := signer.Sign(a, nil, exampleTime); err != nil || a.Header.Get("Authorization") != w1Authorization {
		t.Fatalf("Signer on W1: %v %s", err, a.Header.Get("Authorization"))
	}
}

func TestSignerRefusesBadCredentialsAPerRequestTimeAndUseAfterClose(t *testing.T) {
	opts := w1Options()
	opts.Time = time.Time{}
	_, err := sigv4.NewSigner(sigv4.Credentials{SecretAccessKey: "s"}, opts)
	var e *sigv4.Error
	if !errors.As(err, &e) || e.Code != 6 || !strings.Contains(e.Message, "access_key_id") {
		t.Fatalf("NewSigner with no key id = %v, want ErrInvalidCredentials naming access_key_id", err)
	}
	opts.Time = exampleTime
	if _, err := sigv4.NewSigner(w1Credentials(), opts); !errors.Is(err, sigv4.ErrInvalidDate) {
		t.Fatalf("NewSigner with Options.Time set = %v, want ErrInvalidDate (the time is per request)", err)
	}
	opts.Time = time.Time{}
	opts.PayloadHash = sigv4.UnsignedPayload
	if _, err := sigv4.NewSigner(w1Credentials(), opts); !errors.Is(err, sigv4.ErrInvalidPayloadHash) {
		t.Fatalf("NewSigner with Options.PayloadHash set = %v, want ErrInvalidPayloadHash", err)
	}
	opts.PayloadHash = ""
	opts.Region = ""
	if _, err := sigv4.NewSigner(w1Credentials(), opts); !errors.Is(err, sigv4.ErrInvalidScope) {
		t.Fatalf("NewSigner with no region = %v, want ErrInvalidScope", err)
	}
	opts.Region = "ap-northeast-1"
	signer, err := sigv4.NewSigner(w1Credentials(), opts)
	if err != nil {
		t.Fatal(err)
	}
	signer.Close()
	signer.Close()
	if err := signer.Sign(w1Request(t), nil, exampleTime); !errors.Is(err, sigv4.ErrClosed) {
		t.Fatalf("Sign after Close = %v, want ErrClosed", err)
	}
}

func TestPayloadHasherEqualsTheOneShotBodyHash(t *testing.T) {
	body := make([]byte, 1<<20+123)
	for i := range body {
		body[i] = byte(i % 251)
	}
	want := sha256.Sum256(body)
	h, err := sigv4.NewPayloadHasher()
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	// Uneven pieces, an empty write included.
	for rest, n := body, 1; len(rest) > 0; n = n*3 + 1 {
		if n > len(rest) {
			n = len(rest)
		}
		if _, err := h.Write(rest[:n]); err != nil {
			t.Fatal(err)
		}
		rest = rest[n:]
		if _, err := h.Write(nil); err != nil {
			t.Fatal(err)
		}
	}
	sum, err := h.Sum()
	if err != nil {
		t.Fatal(err)
	}
	if sum != hex.EncodeToString(want[:]) {
		t.Fatalf("PayloadHasher = %s, crypto/sha256 = %x", sum, want)
	}
	// Sum starts over: the hash of nothing.
	if empty, _ := h.Sum(); empty != "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" {
		t.Fatalf("Sum must start over; the next Sum was %s", empty)
	}
	viaReader, err := sigv4.HashPayload(bytes.NewReader(body))
	if err != nil || viaReader != sum {
		t.Fatalf("HashPayload = %s, %v; want %s", viaReader, err, sum)
	}

	// Signing with the hash equals signing with the body, through Sign and a Signer.
	opts := sigv4.Options{Region: "us-east-1", Service: "s3", Time: exampleTime}
	creds := sigv4.Credentials{AccessKeyID: exampleAccessKeyID, SecretAccessKey: exampleSecret}
	a, _ := http.NewRequest(http.MethodPut, "https://b.s3.amazonaws.com/k", bytes.NewReader(body))
	b, _ := http.NewRequest(http.MethodPut, "https://b.s3.amazonaws.com/k", bytes.NewReader(body))
	c, _ := http.NewRequest(http.MethodPut, "https://b.s3.amazonaws.com/k", bytes.NewReader(body))
	if err := sigv4.Sign(a, body, creds, opts); err != nil {
		t.Fatal(err)
	}
	withHash := opts
	withHash.PayloadHash = sum
	if err := sigv4.Sign(b, nil, creds, withHash); err != nil {
		t.Fatal(err)
	}
	signerOpts := opts
	signerOpts.Time = time.Time{}
	signer, err := sigv4.NewSigner(creds, signerOpts)
	if err != nil {
		t.Fatal(err)
	}
	defer signer.Close()
	if err := signer.SignPayloadHash(c, sum, exampleTime); err != nil {
		t.Fatal(err)
	}
	if signedHeaders(a) != signedHeaders(b) || signedHeaders(a) != signedHeaders(c) {
		t.Fatalf("signing the body, its hash, and its hash with a Signer must agree:\n%s\n%s\n%s",
			signedHeaders(a), signedHeaders(b), signedHeaders(c))
	}
	h.Close()
	if _, err := h.Write([]byte("x")); !errors.Is(err, sigv4.ErrClosed) {
		t.Fatalf("Write after Close = %v, want ErrClosed", err)
	}
}

// TestWhatNetHTTPSendsVerifiesOnTheServer sends signed requests through net/http to a local
// server, which rebuilds each request from what arrived on the wire (request line, Host, the
// signed headers, the body) and signs it again: the Authorization must be the same. It covers
// the URL as Go escapes it (RawPath, an unsorted query), a custom Host, Content-Length and
// headers net/http adds after signing (User-Agent, Accept-Encoding).
func TestWhatNetHTTPSendsVerifiesOnTheServer(t *testing.T) {
	creds := sigv4.Credentials{AccessKeyID: exampleAccessKeyID, SecretAccessKey: exampleSecret, SessionToken: "tok/en+=="}
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		auth := r.Header.Get("Authorization")
		_, rest, _ := strings.Cut(auth, "SignedHeaders=")
		names, _, _ := strings.Cut(rest, ",")
		at, err := time.Parse("20060102T150405Z", r.Header.Get("X-Amz-Date"))
		if err != nil {
			http.Error(w, "no X-Amz-Date", 400)
			return
		}
		rebuilt, err := http.NewRequest(r.Method, "http://"+r.Host+r.RequestURI, bytes.NewReader(body))
		if err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		rebuilt.Host = r.Host
		if len(body) == 0 {
			rebuilt.Body, rebuilt.ContentLength = http.NoBody, 0
		}
		for _, name := range strings.Split(names, ";") {
			switch name {
			case "host", "content-length", "x-amz-date", "x-amz-security-token":
			default:
				for _, v := range r.Header.Values(name) {
					rebuilt.Header.Add(name, v)
				}
			}
		}
		if err := sigv4.Sign(rebuilt, body, creds, sigv4.Options{Region: "us-east-1", Service: "execute-api", Time: at}); err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		if got := rebuilt.Header.Get("Authorization"); got != auth {
			http.Error(w, "signature mismatch:\nclient "+auth+"\nserver "+got, 403)
			return
		}
		fmt.Fprintf(w, "ok %s %s", names, r.Header.Get("Accept-Encoding"))
	}))
	defer server.Close()

	send := func(t *testing.T, req *http.Request, body []byte) string {
		t.Helper()
		if err := sigv4.Sign(req, body, creds, sigv4.Options{Region: "us-east-1", Service: "execute-api"}); err != nil {
			t.Fatal(err)
		}
		resp, err := server.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		text, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("%s %s: HTTP %d: %s", req.Method, req.URL, resp.StatusCode, text)
		}
		return string(text)
	}

	t.Run("escaped path with RawPath and unsorted query", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodGet, server.URL+"/a%2Fb/c%20d/~x?b=2&a=%2F&a=1", nil)
		if req.URL.RawPath == "" {
			t.Fatal("the URL must keep a RawPath for this case")
		}
		send(t, req, nil)
	})
	t.Run("custom Host header", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodGet, server.URL+"/trial/getinfo/1234", nil)
		req.Host = "api.example.com"
		if got := send(t, req, nil); !strings.Contains(got, "host") {
			t.Fatalf("host must be signed: %s", got)
		}
	})
	t.Run("POST body with Content-Length and headers added by the transport", func(t *testing.T) {
		body := []byte("Action=GetCallerIdentity&Version=2011-06-15")
		req, _ := http.NewRequest(http.MethodPost, server.URL+"/", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
		req.Header.Add("X-Repeated", "one")
		req.Header.Add("X-Repeated", "two")
		got := send(t, req, body)
		if !strings.Contains(got, "content-length;content-type;host;") || !strings.Contains(got, "gzip") {
			t.Fatalf("want content-length signed and the transport's Accept-Encoding sent unsigned: %s", got)
		}
	})
}
