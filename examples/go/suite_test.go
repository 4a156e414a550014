package sigv4_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"libsigv4.example/sigv4"
)

// suiteCase is one folder of shared/testdata/aws-sig-v4-test-suite (format in its README).
type suiteCase struct {
	Credentials struct {
		AccessKeyID     string `json:"access_key_id"`
		SecretAccessKey string `json:"secret_access_key"`
		Token           string `json:"token"`
	} `json:"credentials"`
	Normalize        bool   `json:"normalize"`
	Region           string `json:"region"`
	Service          string `json:"service"`
	SignBody         bool   `json:"sign_body"`
	Timestamp        string `json:"timestamp"`
	OmitSessionToken bool   `json:"omit_session_token"`
}

type suiteHeader struct{ name, value string }

// parseRequestTxt splits request.txt into method, target, headers (folded lines joined with a
// space, as the README says) and body.
func parseRequestTxt(t *testing.T, raw []byte) (method, target string, headers []suiteHeader, body []byte, folded bool) {
	head, rest, hasBody := bytes.Cut(raw, []byte("\n\n"))
	if hasBody {
		body = rest
	}
	sc := bufio.NewScanner(bytes.NewReader(head))
	first := true
	for sc.Scan() {
		line := sc.Text()
		switch {
		case first:
			first = false
			sp := strings.IndexByte(line, ' ')
			method, target = line[:sp], strings.TrimSuffix(line[sp+1:], " HTTP/1.1")
		case line == "":
		case line[0] == ' ' || line[0] == '\t':
			folded = true
			headers[len(headers)-1].value += " " + strings.TrimSpace(line)
		default:
			name, value, _ := strings.Cut(line, ":")
			headers = append(headers, suiteHeader{name, value})
		}
	}
	return method, target, headers, body, folded
}

// isWireForm says whether net/http can send target as is: the suite writes some targets
// unescaped (a space, raw UTF-8), which no client puts on the wire.
func isWireForm(target string) bool {
	for i := 0; i < len(target); i++ {
		if target[i] <= ' ' || target[i] >= 0x7f {
			return false
		}
	}
	return true
}

// TestAWSSuiteCasesSignToTheirPublishedSignature signs every case net/http can express
// (wire-form target, no folded header) through Sign and compares the Signature= value.
func TestAWSSuiteCasesSignToTheirPublishedSignature(t *testing.T) {
	root := filepath.Join(testdataDir(t), "aws-sig-v4-test-suite")
	entries, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	ran := map[string]bool{}
	for _, entry := range entries {
		if !entry.IsDir() {
			continue
		}
		name := entry.Name()
		dir := filepath.Join(root, name)
		raw, err := os.ReadFile(filepath.Join(dir, "request.txt"))
		if err != nil {
			t.Fatal(err)
		}
		method, target, headers, body, folded := parseRequestTxt(t, raw)
		if folded || !isWireForm(target) {
			continue // not expressible as a net/http request on the wire
		}
		ran[name] = true
		t.Run(name, func(t *testing.T) {
			var c suiteCase
			ctx, err := os.ReadFile(filepath.Join(dir, "context.json"))
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(ctx, &c); err != nil {
				t.Fatal(err)
			}
			want, err := os.ReadFile(filepath.Join(dir, "header-signature.txt"))
			if err != nil {
				t.Fatal(err)
			}
			at, err := time.Parse(time.RFC3339, c.Timestamp)
			if err != nil {
				t.Fatal(err)
			}
			host := ""
			for _, h := range headers {
				if strings.EqualFold(h.name, "host") {
					host = h.value
				}
			}
			req, err := http.NewRequest(method, "https://"+host+target, bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			if len(body) == 0 {
				req.Body, req.ContentLength = http.NoBody, 0
			}
			for _, h := range headers {
				switch strings.ToLower(h.name) {
				case "host", "content-length": // net/http sends these from req.Host and the body
				default:
					req.Header[h.name] = append(req.Header[h.name], h.value)
				}
			}
			creds := sigv4.Credentials{
				AccessKeyID:     c.Credentials.AccessKeyID,
				SecretAccessKey: c.Credentials.SecretAccessKey,
				SessionToken:    c.Credentials.Token,
			}
			opts := sigv4.Options{
				Region:                   c.Region,
				Service:                  c.Service,
				Time:                     at,
				DisablePathNormalization: !c.Normalize,
				ContentSHA256Header:      c.SignBody,
				UnsignedSessionToken:     c.OmitSessionToken,
			}
			if err := sigv4.Sign(req, body, creds, opts); err != nil {
				t.Fatalf("Sign(%s %s) failed: %v", method, target, err)
			}
			got := signatureOf(t, req.Header.Get("Authorization"))
			if got != string(want) {
				t.Fatalf("%s %s: Signature=%s, the suite's header-signature.txt says %s\nAuthorization: %s",
					method, target, got, want, req.Header.Get("Authorization"))
			}
		})
	}
	// The representative cases the brief names must be among those run.
	for _, name := range []string{
		"get-vanilla", "get-vanilla-query-order-key-case", "get-header-value-trim",
		"post-x-www-form-urlencoded", "get-vanilla-with-session-token",
		"get-relative-relative-normalized", "post-sts-header-after", "get-slashes-unnormalized",
	} {
		if !ran[name] {
			t.Errorf("suite case %s was not run", name)
		}
	}
	if len(ran) < 30 {
		t.Errorf("only %d suite cases ran; expected at least 30 of 38", len(ran))
	}
	t.Logf("%d AWS suite cases signed to their published signature", len(ran))
}
