//! Signing benchmarks: libsigv4 (C ABI and Rust API), the aws-sigv4 crate and the crypto floor,
//! side by side in one run, on the workloads of `shared/BASELINES.md`, plus scale sweeps and
//! two-thread throughput. `benches/report.py` turns the results into the README's table.

#![allow(missing_docs, clippy::unwrap_used)]

mod common;

use std::hint::black_box;
use std::time::{Duration, Instant};

use common::{AwsSigner, CSigner, CryptoFloor, Workload, rust_sign};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use sha2::{Digest, Sha256};
use sigv4::{Credentials, PayloadHasher, Settings, Signer, SigningOutput};

fn check_agreement(workload: &Workload) {
    // Every implementation must produce the same signature before its speed means anything.
    let mut c = CSigner::new(workload);
    c.sign();
    let ours = c.authorization();
    c.sign_cached();
    assert_eq!(
        c.authorization(),
        ours,
        "{}: the signer object disagrees",
        workload.name
    );
    let mut out = SigningOutput::new();
    rust_sign(workload, &workload.rust_headers(), &mut out);
    assert_eq!(
        out.authorization(),
        ours,
        "{}: the Rust API disagrees",
        workload.name
    );
    assert_eq!(AwsSigner::new(workload).sign(), 64);
}

fn w1(c: &mut Criterion) {
    let workload = Workload::w1();
    check_agreement(&workload);
    let mut group = c.benchmark_group("W1");
    let mut c_signer = CSigner::new(&workload);
    group.bench_function("libsigv4 sigv4_sign", |b| {
        b.iter(|| black_box(c_signer.sign()))
    });
    let headers = workload.rust_headers();
    let mut out = SigningOutput::new();
    group.bench_function("libsigv4 sign_into", |b| {
        b.iter(|| rust_sign(black_box(&workload), &headers, &mut out))
    });
    let aws = AwsSigner::new(&workload);
    group.bench_function("aws-sigv4", |b| b.iter(|| black_box(aws.sign())));
    let floor = CryptoFloor::new(&workload);
    group.bench_function("crypto floor", |b| b.iter(|| black_box(floor.full())));
    group.finish();

    let mut group = c.benchmark_group("W1 cached key");
    group.bench_function("libsigv4 sigv4_signer_sign", |b| {
        b.iter(|| black_box(c_signer.sign_cached()))
    });
    let token = workload.token.clone();
    let signer = Signer::new(
        &Credentials::new(common::ACCESS_KEY_ID, common::SECRET, token.as_deref()),
        workload.region,
        workload.service,
        Settings::default(),
    )
    .unwrap();
    let date = Some(sigv4::AmzDate::parse(common::AMZ_DATE).unwrap());
    group.bench_function("libsigv4 Signer::sign_into", |b| {
        b.iter(|| {
            let request = sigv4::Request {
                method: &workload.method,
                url: &workload.url,
                headers: &headers[..],
                payload: sigv4::Payload::Body(&workload.body),
            };
            signer
                .sign_into(black_box(&request), date, &mut out)
                .unwrap();
        })
    });
    group.bench_function("crypto floor (cached key)", |b| {
        b.iter(|| black_box(floor.cached_key()))
    });
    group.finish();
}

fn w2(c: &mut Criterion) {
    let workload = Workload::w2();
    check_agreement(&workload);
    let mut group = c.benchmark_group("W2");
    group.throughput(Throughput::Bytes(workload.body.len() as u64));
    group.sample_size(20);
    let mut c_signer = CSigner::new(&workload);
    group.bench_function("libsigv4 sigv4_sign", |b| {
        b.iter(|| black_box(c_signer.sign()))
    });
    let aws = AwsSigner::new(&workload);
    group.bench_function("aws-sigv4", |b| b.iter(|| black_box(aws.sign())));
    group.bench_function("raw SHA-256", |b| {
        b.iter(|| black_box(Sha256::digest(black_box(&workload.body))))
    });
    let mut hasher = PayloadHasher::new();
    group.bench_function("libsigv4 PayloadHasher, 64 KiB pieces", |b| {
        b.iter(|| {
            for piece in workload.body.chunks(65536) {
                hasher.update(black_box(piece));
            }
            black_box(hasher.finish())
        })
    });
    group.finish();
}

fn with_headers(count: usize) -> Workload {
    let names: Vec<String> = (0..count)
        .map(|i| format!("X-Header-{:03}", count - i))
        .collect();
    let headers: Vec<(&str, &str)> = names
        .iter()
        .map(|n| (n.as_str(), " some  value "))
        .collect();
    Workload::new(
        "headers",
        "GET",
        "https://example.amazonaws.com/path",
        &headers,
        Vec::new(),
        "us-east-1",
        "service",
        None,
    )
}

fn with_url_length(length: usize) -> Workload {
    let base = "https://example.amazonaws.com/";
    let segment = "segment-abc/";
    let mut url = base.to_owned();
    while url.len() + segment.len() <= length {
        url.push_str(segment);
    }
    while url.len() < length {
        url.push('x');
    }
    Workload::new(
        "url",
        "GET",
        &url,
        &[],
        Vec::new(),
        "us-east-1",
        "service",
        None,
    )
}

fn with_query_params(count: usize) -> Workload {
    let query: Vec<String> = (0..count)
        .map(|i| format!("key{}=value%2F{i}", count - i))
        .collect();
    let url = format!("https://example.amazonaws.com/path?{}", query.join("&"));
    Workload::new(
        "query",
        "GET",
        &url,
        &[],
        Vec::new(),
        "us-east-1",
        "service",
        None,
    )
}

/// A scale sweep: its group name, the sizes, and how to build a workload of a size.
type Sweep = (&'static str, Vec<usize>, fn(usize) -> Workload);

fn scale(c: &mut Criterion) {
    let sweeps: [Sweep; 3] = [
        ("scale: headers", vec![1, 10, 50, 100, 200], with_headers),
        (
            "scale: URL bytes",
            vec![64, 256, 1024, 4096, 16384],
            with_url_length,
        ),
        (
            "scale: query parameters",
            vec![0, 10, 50, 100, 500],
            with_query_params,
        ),
    ];
    for (name, sizes, make) in sweeps {
        let mut group = c.benchmark_group(name);
        group.sample_size(30);
        for size in sizes {
            let workload = make(size);
            let mut c_signer = CSigner::new(&workload);
            group.bench_with_input(
                BenchmarkId::new("libsigv4 sigv4_sign", size),
                &size,
                |b, _| b.iter(|| black_box(c_signer.sign())),
            );
            let aws = AwsSigner::new(&workload);
            group.bench_with_input(BenchmarkId::new("aws-sigv4", size), &size, |b, _| {
                b.iter(|| black_box(aws.sign()))
            });
        }
        group.finish();
    }
}

/// Times `iters` runs of `work` split evenly over `threads` threads: with perfect scaling,
/// two threads take half the time of one.
fn split_over_threads(threads: usize, iters: u64, work: impl Fn(u64) + Sync) -> Duration {
    let per_thread = iters.div_ceil(threads as u64);
    std::thread::scope(|scope| {
        let start = Instant::now();
        let handles: Vec<_> = (0..threads)
            .map(|_| scope.spawn(|| work(per_thread)))
            .collect();
        for handle in handles {
            handle.join().unwrap();
        }
        start.elapsed()
    })
}

/// Signatures per second on one thread and on two, each signing W1 with `sigv4_sign`, beside
/// the crypto floor split the same way (how far this machine's cores scale at all).
fn threads(c: &mut Criterion) {
    let workload = Workload::w1();
    let floor = CryptoFloor::new(&workload);
    let mut group = c.benchmark_group("threads");
    for threads in [1usize, 2] {
        group.bench_with_input(
            BenchmarkId::new("libsigv4 sigv4_sign", threads),
            &threads,
            |b, &threads| {
                b.iter_custom(|iters| {
                    split_over_threads(threads, iters, |count| {
                        let mut signer = CSigner::new(&workload);
                        for _ in 0..count {
                            black_box(signer.sign());
                        }
                    })
                })
            },
        );
        group.bench_with_input(
            BenchmarkId::new("crypto floor", threads),
            &threads,
            |b, &threads| {
                b.iter_custom(|iters| {
                    split_over_threads(threads, iters, |count| {
                        for _ in 0..count {
                            black_box(floor.full());
                        }
                    })
                })
            },
        );
    }
    group.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(50)
}

criterion_group! {
    name = benches;
    config = config();
    targets = w1, w2, scale, threads
}
criterion_main!(benches);
