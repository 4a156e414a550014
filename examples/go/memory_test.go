package sigv4_test

import (
	"bytes"
	"errors"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"libsigv4.example/sigv4"
)

func TestATooSmallFirstBufferIsRetriedWithTheSizeLibsigv4Asks(t *testing.T) {
	for _, n := range []int{1, 16, 400, 600} {
		restore := sigv4.SetInitialBufLen(n)
		req := w1Request(t)
		err := sigv4.Sign(req, nil, w1Credentials(), w1Options())
		restore()
		if err != nil {
			t.Fatalf("first buffer of %d bytes: %v", n, err)
		}
		if got := req.Header.Get("Authorization"); got != w1Authorization {
			t.Fatalf("first buffer of %d bytes: Authorization %s", n, got)
		}
	}
}

// churn runs every path that allocates C memory once: a signature, a failure (its message
// copy), a retry with a bigger buffer, a Signer and a PayloadHasher made and closed, and one
// left to its finalizer.
func churn(t testing.TB, i int, creds sigv4.Credentials, opts sigv4.Options, body []byte) {
	req := w1Request(t)
	if err := sigv4.Sign(req, body, creds, opts); err != nil {
		t.Fatal(err)
	}
	bad := w1Request(t)
	bad.Header.Set("X-Bad", "a\nb")
	if err := sigv4.Sign(bad, body, creds, opts); !errors.Is(err, sigv4.ErrInvalidHeader) {
		t.Fatalf("want ErrInvalidHeader, got %v", err)
	}
	if i%50 == 0 {
		restore := sigv4.SetInitialBufLen(8)
		if err := sigv4.Sign(w1Request(t), body, creds, opts); err != nil {
			t.Fatal(err)
		}
		restore()
		signerOpts := opts
		signerOpts.Time = time.Time{}
		s, err := sigv4.NewSigner(creds, signerOpts)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Sign(w1Request(t), body, opts.Time); err != nil {
			t.Fatal(err)
		}
		if i%200 == 0 {
			s = nil // left to the finalizer
		} else {
			s.Close()
		}
		h, err := sigv4.NewPayloadHasher()
		if err != nil {
			t.Fatal(err)
		}
		h.Write(body)
		if _, err := h.Sum(); err != nil {
			t.Fatal(err)
		}
		h.Close()
		if _, err := sigv4.NewSigner(sigv4.Credentials{}, signerOpts); err == nil {
			t.Fatal("NewSigner without keys must fail")
		}
	}
}

func settle() (cHeap int64, goHeap uint64) {
	for i := 0; i < 3; i++ {
		runtime.GC() // and run the finalizers of abandoned signers
		time.Sleep(10 * time.Millisecond)
	}
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return sigv4.CHeapInUse(), m.HeapAlloc
}

// TestTwentyThousandSignaturesLeaveNoCMemoryBehind signs 20,000 times (plus 20,000 failures,
// retries, signers and hashers) and checks that the C heap (glibc mallinfo2, all arenas) and
// the Go heap stay flat: every call's C allocation (at least 1 KiB) must be freed.
func TestTwentyThousandSignaturesLeaveNoCMemoryBehind(t *testing.T) {
	iterations := 20000
	if n, err := strconv.Atoi(os.Getenv("SIGV4_LEAK_ITERATIONS")); err == nil && n > 0 {
		iterations = n
	}
	if testing.Short() {
		iterations = 2000
	}
	creds, opts := w1Credentials(), w1Options()
	body := bytes.Repeat([]byte("x"), 300)
	for i := 0; i < 1000; i++ { // warm up: thread-local scratch, key caches, sync.Pools
		churn(t, i, creds, opts, body)
	}
	c0, g0 := settle()
	if c0 < 0 {
		t.Fatal("mallinfo2 is unavailable (not glibc >= 2.33): the C heap cannot be measured")
	}
	start := time.Now()
	for i := 0; i < iterations; i++ {
		churn(t, i, creds, opts, body)
	}
	elapsed := time.Since(start)
	c1, g1 := settle()
	cGrowth, goGrowth := c1-c0, int64(g1)-int64(g0)
	// Report for tests/go.rs, which prints it.
	t.Logf("leak check: %d iterations (%d signatures, %d failures) in %v; C heap %d -> %d bytes (%+d), Go heap %d -> %d bytes (%+d)",
		iterations, iterations+iterations/50*2, iterations, elapsed.Round(time.Millisecond), c0, c1, cGrowth, g0, g1, goGrowth)
	// A leaked arena costs >= 1 KiB per call, i.e. >= 20 MB here; allow thread-local noise.
	if cGrowth > 256<<10 {
		t.Errorf("C heap grew by %d bytes over %d iterations: C memory is left behind", cGrowth, iterations)
	}
	if goGrowth > 4<<20 {
		t.Errorf("Go heap grew by %d bytes over %d iterations", goGrowth, iterations)
	}
}

// TestConcurrentSigningIsRaceFreeAndMessagesStayWithTheirCall signs from many goroutines at
// once (run with -race): through Sign and one shared Signer, with failures whose messages name
// a per-goroutine header, so a detail message read on the wrong OS thread would show.
func TestConcurrentSigningIsRaceFreeAndMessagesStayWithTheirCall(t *testing.T) {
	signerOpts := w1Options()
	signerOpts.Time = time.Time{}
	signer, err := sigv4.NewSigner(w1Credentials(), signerOpts)
	if err != nil {
		t.Fatal(err)
	}
	defer signer.Close()
	rounds := 300
	if testing.Short() {
		rounds = 50
	}
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			name := "X-Goroutine-" + strconv.Itoa(g)
			for i := 0; i < rounds; i++ {
				req := w1Request(t)
				var err error
				if g%2 == 0 {
					err = sigv4.Sign(req, nil, w1Credentials(), w1Options())
				} else {
					err = signer.Sign(req, nil, exampleTime)
				}
				if err != nil || req.Header.Get("Authorization") != w1Authorization {
					errs <- errors.New("goroutine " + strconv.Itoa(g) + ": wrong signature or error: " + req.Header.Get("Authorization"))
					return
				}
				bad := w1Request(t)
				bad.Header.Set(name, "a\rb")
				err = signer.Sign(bad, nil, exampleTime)
				var e *sigv4.Error
				if !errors.As(err, &e) || !strings.Contains(e.Message, `"`+name+`"`) {
					errs <- errors.New(name + ": the failure's message is not its own: " + strings.TrimSpace(e.Error()))
					return
				}
				runtime.Gosched()
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestCloseWhileSigningIsSafe closes a Signer while goroutines sign with it: each call either
// signs or returns ErrClosed, never touches freed memory.
func TestCloseWhileSigningIsSafe(t *testing.T) {
	signerOpts := w1Options()
	signerOpts.Time = time.Time{}
	signer, err := sigv4.NewSigner(w1Credentials(), signerOpts)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				err := signer.Sign(w1Request(t), nil, exampleTime)
				if errors.Is(err, sigv4.ErrClosed) {
					return
				}
				if err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	time.Sleep(time.Millisecond)
	signer.Close()
	wg.Wait()
}
