package sigv4_test

import (
	"bytes"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"libsigv4.example/sigv4"
)

// motoSession is what tests/go.rs passes after starting moto (signature checking on) and
// assuming a role: the server URL and the role session's temporary credentials.
type motoSession struct {
	url   string
	creds sigv4.Credentials
	arn   string
}

// motoFromEnv reads SIGV4_MOTO_*; without them the moto tests skip, unless
// SIGV4_REQUIRE_MOTO=1 (set by tests/go.rs), where a missing server is a failure.
func motoFromEnv(t *testing.T) motoSession {
	s := motoSession{
		url: os.Getenv("SIGV4_MOTO_URL"),
		creds: sigv4.Credentials{
			AccessKeyID:     os.Getenv("SIGV4_MOTO_ACCESS_KEY_ID"),
			SecretAccessKey: os.Getenv("SIGV4_MOTO_SECRET_ACCESS_KEY"),
			SessionToken:    os.Getenv("SIGV4_MOTO_SESSION_TOKEN"),
		},
		arn: os.Getenv("SIGV4_MOTO_ASSUMED_ROLE_ARN"),
	}
	if s.url == "" || s.creds.AccessKeyID == "" || s.creds.SecretAccessKey == "" || s.creds.SessionToken == "" || s.arn == "" {
		if os.Getenv("SIGV4_REQUIRE_MOTO") == "1" {
			t.Fatal("SIGV4_REQUIRE_MOTO=1 but SIGV4_MOTO_URL, _ACCESS_KEY_ID, _SECRET_ACCESS_KEY, _SESSION_TOKEN or _ASSUMED_ROLE_ARN is unset")
		}
		t.Skip("no moto server: run through `cargo test --test go`, which starts one")
	}
	return s
}

// getCallerIdentity is sts:GetCallerIdentity as a query-protocol form POST. The body is
// already in the form moto re-serialises form bodies to before hashing (quote_plus).
const getCallerIdentity = "Action=GetCallerIdentity&Version=2011-06-15"

func newGetCallerIdentity(t *testing.T, base string) (*http.Request, []byte) {
	body := []byte(getCallerIdentity)
	req, err := http.NewRequest(http.MethodPost, base, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	return req, body
}

func do(t *testing.T, req *http.Request) (int, string) {
	client := &http.Client{Timeout: 20 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	text, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(text)
}

func xmlText(body, tag string) string {
	_, rest, ok := strings.Cut(body, "<"+tag+">")
	if !ok {
		return ""
	}
	text, _, _ := strings.Cut(rest, "</"+tag+">")
	return text
}

var stsOptions = sigv4.Options{Region: "us-east-1", Service: "sts"}

func TestMotoAcceptsGetCallerIdentitySignedWithTemporaryCredentials(t *testing.T) {
	moto := motoFromEnv(t)
	req, body := newGetCallerIdentity(t, moto.url)
	if err := sigv4.Sign(req, body, moto.creds, stsOptions); err != nil {
		t.Fatal(err)
	}
	status, text := do(t, req)
	if status != 200 {
		t.Fatalf("GetCallerIdentity signed with the role session's keys and token: HTTP %d\n%s", status, text)
	}
	if got := xmlText(text, "Arn"); got != moto.arn {
		t.Fatalf("GetCallerIdentity must report the assumed role %s; got %q in\n%s", moto.arn, got, text)
	}
}

func TestMotoAcceptsASignerWithAStreamedPayloadHashAndACustomHost(t *testing.T) {
	moto := motoFromEnv(t)
	signer, err := sigv4.NewSigner(moto.creds, stsOptions)
	if err != nil {
		t.Fatal(err)
	}
	defer signer.Close()
	req, body := newGetCallerIdentity(t, moto.url)
	// A custom domain: moto routes by the credential scope, so any Host reaches STS; the Host
	// sent is the one signed.
	req.Host = "sts.example.com"
	hash, err := sigv4.HashPayload(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if err := signer.SignPayloadHash(req, hash, time.Time{}); err != nil {
		t.Fatal(err)
	}
	status, text := do(t, req)
	if status != 200 || xmlText(text, "Arn") != moto.arn {
		t.Fatalf("GetCallerIdentity via Signer.SignPayloadHash with Host %s: HTTP %d\n%s", req.Host, status, text)
	}
}

func TestMotoRefusesAWrongSecretWith403(t *testing.T) {
	moto := motoFromEnv(t)
	wrong := moto.creds
	wrong.SecretAccessKey += "x"
	req, body := newGetCallerIdentity(t, moto.url)
	if err := sigv4.Sign(req, body, wrong, stsOptions); err != nil {
		t.Fatal(err)
	}
	status, text := do(t, req)
	if status != 403 || xmlText(text, "Code") != "SignatureDoesNotMatch" {
		t.Fatalf("a secret one byte off must be refused with 403 SignatureDoesNotMatch; got HTTP %d\n%s", status, text)
	}
}

func TestMotoRefusesABodyChangedAfterSigning(t *testing.T) {
	moto := motoFromEnv(t)
	req, body := newGetCallerIdentity(t, moto.url)
	if err := sigv4.Sign(req, body, moto.creds, stsOptions); err != nil {
		t.Fatal(err)
	}
	tampered := []byte(strings.Replace(getCallerIdentity, "2011-06-15", "2011-06-16", 1))
	req.Body = io.NopCloser(bytes.NewReader(tampered))
	req.ContentLength = int64(len(tampered))
	status, text := do(t, req)
	if status != 403 {
		t.Fatalf("a body changed after signing must be refused with 403; got HTTP %d\n%s", status, text)
	}
}
