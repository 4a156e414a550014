// Command example signs the seed request of libsigv4, a GET to an API Gateway custom domain
// (execute-api, ap-northeast-1) with temporary credentials (a session token), and prints the
// headers to add. With -url it sends the signed request with net/http instead and prints the
// response.
//
//	go run ./example                        # print the signed headers, no network
//	go run ./example -date 20150830T123600Z # the same, at a fixed time
//	go run ./example -url https://api.example.com/trial/getinfo/1234
//
// Credentials come from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN, or
// else AWS's documented example keys.
package main

import (
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"libsigv4.example/sigv4"
)

const seedURL = "https://api.example.com/trial/getinfo/1234"

func main() {
	target := flag.String("url", "", "send the signed request to this URL (default: print the headers for "+seedURL+")")
	region := flag.String("region", "ap-northeast-1", "signing region")
	service := flag.String("service", "execute-api", "signing service")
	date := flag.String("date", "", "signing time as YYYYMMDDTHHMMSSZ (default: now)")
	flag.Parse()
	if err := run(*target, *region, *service, *date); err != nil {
		fmt.Fprintln(os.Stderr, "example:", err)
		os.Exit(1)
	}
}

func env(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}

func run(target, region, service, date string) error {
	creds := sigv4.Credentials{
		AccessKeyID:     env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"),
		SecretAccessKey: env("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
		SessionToken:    env("AWS_SESSION_TOKEN", "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI"),
	}
	opts := sigv4.Options{Region: region, Service: service}
	if date != "" {
		at, err := time.Parse("20060102T150405Z", date)
		if err != nil {
			return fmt.Errorf("-date: %w", err)
		}
		opts.Time = at
	}
	url := seedURL
	if target != "" {
		url = target
	}
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")

	// Signs req in place: X-Amz-Date, X-Amz-Security-Token and Authorization are added.
	if err := sigv4.Sign(req, nil, creds, opts); err != nil {
		return err // an *sigv4.Error: code, name and a message naming the field
	}

	if target == "" {
		fmt.Printf("GET %s\n", url)
		for _, name := range []string{"X-Amz-Date", "X-Amz-Security-Token", "Authorization"} {
			fmt.Printf("%s: %s\n", name, req.Header.Get(name))
		}
		return nil
	}
	client := &http.Client{Timeout: 30 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return err
	}
	fmt.Printf("HTTP %s\n%s\n", resp.Status, body)
	return nil
}
