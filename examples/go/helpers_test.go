package sigv4_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"libsigv4.example/sigv4"
)

// The AWS test suite's and shared/BASELINES.md's keys and time.
const (
	exampleAccessKeyID = "AKIDEXAMPLE"
	exampleSecret      = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
)

var exampleTime = time.Date(2015, 8, 30, 12, 36, 0, 0, time.UTC)

// testdataDir is SIGV4_TESTDATA (set by tests/go.rs to <repo>/../shared/testdata), or that
// path relative to examples/go.
func testdataDir(t testing.TB) string {
	dir := os.Getenv("SIGV4_TESTDATA")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared", "testdata")
	}
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("test data not found at %s (set SIGV4_TESTDATA to shared/testdata): %v", dir, err)
	}
	return dir
}

// w1Token is BASELINES.md's 400-character session token: character i is
// ALPHABET[(37*i + 11) mod 64].
func w1Token() string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	var b strings.Builder
	for i := 0; i < 400; i++ {
		b.WriteByte(alphabet[(37*i+11)%64])
	}
	return b.String()
}

// w1Request is W1 `apigw-get` (shared/BASELINES.md).
func w1Request(t testing.TB) *http.Request {
	req, err := http.NewRequest(http.MethodGet,
		"https://abc123.execute-api.ap-northeast-1.amazonaws.com/trial/getinfo/1234?b=2&a=1", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Custom", " a   b ")
	return req
}

func w1Credentials() sigv4.Credentials {
	return sigv4.Credentials{
		AccessKeyID:     exampleAccessKeyID,
		SecretAccessKey: exampleSecret,
		SessionToken:    w1Token(),
	}
}

func w1Options() sigv4.Options {
	return sigv4.Options{Region: "ap-northeast-1", Service: "execute-api", Time: exampleTime}
}

// signatureOf returns the Signature= value of an Authorization header.
func signatureOf(t testing.TB, authorization string) string {
	_, sig, ok := strings.Cut(authorization, "Signature=")
	if !ok || len(sig) != 64 {
		t.Fatalf("Authorization %q has no 64-digit Signature=", authorization)
	}
	return sig
}

// signedHeaders lists the four headers Sign adds, as a comparable string.
func signedHeaders(req *http.Request) string {
	var b strings.Builder
	for _, name := range []string{"X-Amz-Date", "X-Amz-Security-Token", "X-Amz-Content-Sha256", "Authorization"} {
		b.WriteString(name + ": " + strings.Join(req.Header.Values(name), ",") + "\n")
	}
	return b.String()
}
