package sigv4_test

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"libsigv4.example/sigv4"
)

// Sign a request to an API Gateway custom domain with temporary credentials. (botocore's
// SigV4Auth gives the same signature for this request.)
func ExampleSign() {
	req, _ := http.NewRequest(http.MethodGet, "https://api.example.com/trial/getinfo/1234?b=2&a=1", nil)
	req.Header.Set("Content-Type", "application/json")
	creds := sigv4.Credentials{
		AccessKeyID:     "AKIDEXAMPLE",
		SecretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
		SessionToken:    "AQoDYXdzEPT//////////wEXAMPLE",
	}
	err := sigv4.Sign(req, nil, creds, sigv4.Options{
		Region:  "ap-northeast-1",
		Service: "execute-api",
		Time:    time.Date(2015, 8, 30, 12, 36, 0, 0, time.UTC), // zero: now
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(req.Header.Get("X-Amz-Date"))
	fmt.Println(req.Header.Get("Authorization"))
	// Output:
	// 20150830T123600Z
	// AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/ap-northeast-1/execute-api/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, Signature=658afed5d576f44e6070b1ba54f2efe881534e33ffaa58f22865b3ee3ac26f71
}

// Errors carry libsigv4's code and a message naming the field.
func ExampleError() {
	req, _ := http.NewRequest(http.MethodGet, "https://api.example.com/", nil)
	req.Header.Set("X-Custom", "a\r\nb")
	err := sigv4.Sign(req, nil, sigv4.Credentials{AccessKeyID: "AKID", SecretAccessKey: "secret"},
		sigv4.Options{Region: "us-east-1", Service: "execute-api"})
	var e *sigv4.Error
	if errors.As(err, &e) {
		fmt.Println(e.Code, e.Name, errors.Is(err, sigv4.ErrInvalidHeader))
		fmt.Println(e.Message)
	}
	// Output:
	// 5 SIGV4_ERR_INVALID_HEADER true
	// request.headers[1] ("X-Custom"): value contains CR or LF at offset 1; header values are one line
}
