//! A warm signature allocates nothing: counted by a global allocator, through the Rust API
//! and through `sigv4_sign`, for the W1 workload of `shared/BASELINES.md` and for a request
//! with 50 headers and 30 query parameters.

#![allow(unsafe_code, clippy::unwrap_used)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::ffi::{CString, c_char};

use sigv4::ffi::{
    SIGV4_MAX_OUTPUT_HEADERS, sigv4_credentials, sigv4_header, sigv4_output, sigv4_params,
    sigv4_request, sigv4_sign, sigv4_status,
};
use sigv4::{AmzDate, Credentials, Payload, Request, Settings, SigningOutput, SigningParams};

thread_local! {
    /// Allocations made by this thread; other test threads do not disturb the count.
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

struct CountingAllocator;

// SAFETY: forwards every call to the system allocator unchanged; only counts.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|count| count.set(count.get() + 1));
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|count| count.set(count.get() + 1));
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: CountingAllocator = CountingAllocator;

fn allocations_during(mut work: impl FnMut()) -> usize {
    let before = ALLOCATIONS.with(Cell::get);
    work();
    ALLOCATIONS.with(Cell::get) - before
}

/// W1's 400-character session token: character i is ALPHABET[(37 i + 11) mod 64].
fn w1_token() -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    (0..400)
        .map(|i| ALPHABET[(37 * i + 11) % 64] as char)
        .collect()
}

const W1_URL: &str =
    "https://abc123.execute-api.ap-northeast-1.amazonaws.com/trial/getinfo/1234?b=2&a=1";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

fn many_headers() -> Vec<(String, String)> {
    (0..50)
        .map(|i| {
            (
                format!("X-Header-{:02}", 49 - i),
                format!("  value {i}   with  spaces "),
            )
        })
        .collect()
}

fn many_params_url() -> String {
    let query: Vec<String> = (0..30).map(|i| format!("k{}=v%2f{i}", 29 - i)).collect();
    format!(
        "https://example.amazonaws.com/a/./b//c%20d?{}",
        query.join("&")
    )
}

#[test]
fn a_warm_rust_signature_allocates_nothing() {
    let token = w1_token();
    let credentials = Credentials::new("AKIDEXAMPLE", SECRET, Some(&token));
    let params = SigningParams {
        region: "ap-northeast-1",
        service: "execute-api",
        date: Some(AmzDate::parse("20150830T123600Z").unwrap()),
        settings: Settings::default(),
    };
    let w1_headers = [
        ("content-type", "application/json"),
        ("x-custom", " a   b "),
    ];
    let w1 = Request {
        method: "GET",
        url: W1_URL,
        headers: &w1_headers,
        payload: Payload::Body(b""),
    };
    let headers = many_headers();
    let url = many_params_url();
    let large = Request {
        method: "POST",
        url: &url,
        headers: &headers,
        payload: Payload::Body(b"{\"k\":1}"),
    };
    let mut out = SigningOutput::new();
    // Warm up: the output and scratch buffers grow to their working size once.
    sigv4::sign_into(&large, &credentials, &params, &mut out).unwrap();
    sigv4::sign_into(&w1, &credentials, &params, &mut out).unwrap();
    for (name, request_allocations) in [
        (
            "W1",
            allocations_during(|| {
                sigv4::sign_into(&w1, &credentials, &params, &mut out).unwrap();
            }),
        ),
        (
            "50 headers",
            allocations_during(|| {
                sigv4::sign_into(&large, &credentials, &params, &mut out).unwrap();
            }),
        ),
    ] {
        assert_eq!(
            request_allocations, 0,
            "{name}: a warm sign_into must not allocate"
        );
    }
    assert!(out.signature().len() == 64);
}

#[test]
fn a_warm_c_signature_allocates_nothing() {
    let token = CString::new(w1_token()).unwrap();
    let names: Vec<CString> = many_headers()
        .iter()
        .map(|(n, _)| CString::new(n.as_str()).unwrap())
        .collect();
    let values: Vec<CString> = many_headers()
        .iter()
        .map(|(_, v)| CString::new(v.as_str()).unwrap())
        .collect();
    let large_headers: Vec<sigv4_header> = names
        .iter()
        .zip(&values)
        .map(|(name, value)| sigv4_header {
            name: name.as_ptr(),
            value: value.as_ptr(),
        })
        .collect();
    let w1_headers = [
        sigv4_header {
            name: c"content-type".as_ptr(),
            value: c"application/json".as_ptr(),
        },
        sigv4_header {
            name: c"x-custom".as_ptr(),
            value: c" a   b ".as_ptr(),
        },
    ];
    let w1_url = CString::new(W1_URL).unwrap();
    let large_url = CString::new(many_params_url()).unwrap();
    let request = |url: &CString, headers: &[sigv4_header]| sigv4_request {
        method: c"GET".as_ptr(),
        url: url.as_ptr(),
        headers: headers.as_ptr(),
        header_count: headers.len(),
        body: std::ptr::null(),
        body_len: 0,
        payload_hash: std::ptr::null(),
    };
    let w1 = request(&w1_url, &w1_headers);
    let large = request(&large_url, &large_headers);
    let credentials = sigv4_credentials {
        access_key_id: c"AKIDEXAMPLE".as_ptr(),
        secret_access_key: c"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".as_ptr(),
        session_token: token.as_ptr(),
    };
    let params = sigv4_params {
        region: c"ap-northeast-1".as_ptr(),
        service: c"execute-api".as_ptr(),
        amz_date: c"20150830T123600Z".as_ptr(),
        flags: 0,
    };
    let mut buf = vec![0 as c_char; 4096];
    let mut out = sigv4_output {
        buf: buf.as_mut_ptr(),
        buf_len: buf.len(),
        buf_used: 0,
        headers: [sigv4_header {
            name: std::ptr::null(),
            value: std::ptr::null(),
        }; SIGV4_MAX_OUTPUT_HEADERS],
        header_count: 0,
    };
    let mut sign = |request: &sigv4_request| {
        // SAFETY: every pointer is valid, NUL-terminated and outlives the call.
        let status = unsafe { sigv4_sign(request, &credentials, &params, &mut out) };
        assert_eq!(status, sigv4_status::SIGV4_OK);
    };
    sign(&large);
    sign(&w1);
    assert_eq!(
        allocations_during(|| sign(&w1)),
        0,
        "W1 through sigv4_sign must not allocate"
    );
    assert_eq!(
        allocations_during(|| sign(&large)),
        0,
        "50 headers through sigv4_sign must not allocate"
    );
}

#[test]
fn the_counter_sees_allocations() {
    // Guards the two tests above against a counter that never counts.
    assert!(allocations_during(|| drop(std::hint::black_box(vec![1u8; 10]))) >= 1);
}
