package sigv4

// Hooks for the external tests (package sigv4_test).

// CHeapInUse is the C heap's bytes in use (glibc mallinfo2), or -1 where unknown.
var CHeapInUse = cHeapInUse

// SetInitialBufLen makes signing start with an output buffer of n bytes (0: the estimate), so
// tests reach the retry on SIGV4_ERR_BUFFER_TOO_SMALL; it returns a function restoring it.
func SetInitialBufLen(n int) (restore func()) {
	old := initialBufLen
	initialBufLen = n
	return func() { initialBufLen = old }
}
