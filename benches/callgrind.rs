//! Instruction counts per W1 signature under `valgrind --tool=callgrind`: a noise-free second
//! figure beside criterion's times. `benches/report.py` runs this binary twice per
//! implementation (N and 2N signatures) and divides the difference by N, so start-up and
//! set-up cost cancel out.
//!
//! Usage: `callgrind <implementation> <signatures>` with implementation one of
//! `sigv4_sign`, `signer`, `aws-sigv4`, `crypto`, `crypto-cached`.

#![allow(missing_docs, clippy::unwrap_used)]

mod common;

use std::hint::black_box;

use common::{AwsSigner, CSigner, CryptoFloor, Workload};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(implementation), Some(count)) = (args.get(1), args.get(2)) else {
        eprintln!(
            "usage: callgrind <sigv4_sign|signer|aws-sigv4|crypto|crypto-cached> <signatures>"
        );
        std::process::exit(2);
    };
    let count: u64 = count.parse().unwrap();
    let workload = Workload::w1();
    let mut c_signer = CSigner::new(&workload);
    let aws = AwsSigner::new(&workload);
    let floor = CryptoFloor::new(&workload);
    // One warm-up call each, so buffers have grown and lazy statics are initialised.
    c_signer.sign();
    c_signer.sign_cached();
    aws.sign();
    for _ in 0..count {
        match implementation.as_str() {
            "sigv4_sign" => {
                black_box(c_signer.sign());
            }
            "signer" => {
                black_box(c_signer.sign_cached());
            }
            "aws-sigv4" => {
                black_box(aws.sign());
            }
            "crypto" => {
                black_box(floor.full());
            }
            "crypto-cached" => {
                black_box(floor.cached_key());
            }
            other => {
                eprintln!("unknown implementation {other}");
                std::process::exit(2);
            }
        }
    }
}
