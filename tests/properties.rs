//! Property tests: every property of `tests/property/mod.rs` (the functions the fuzz targets
//! in `fuzz/` call) over thousands of seeded pseudo-random inputs and over the seed corpus in
//! `fuzz/corpus/<target>/`, on stable Rust.
//!
//! The seed is printed; `SIGV4_SEED=<n> cargo test --release --test properties` replays a run,
//! `SIGV4_PROPERTY_CASES=<n>` changes the number of generated inputs per property. A failure
//! prints the generated input (as bytes), which is also a ready fuzz corpus entry.

#![allow(unsafe_code, clippy::unwrap_used)]

mod property;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use property::RawCase;

/// Generated inputs per property unless `SIGV4_PROPERTY_CASES` says otherwise.
const DEFAULT_CASES: usize = 20_000;

/// splitmix64: small, std-only and good enough to spread inputs.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..bound` (`bound` > 0).
    fn below(&mut self, bound: usize) -> usize {
        usize::try_from(self.next() % u64::try_from(bound).unwrap()).unwrap()
    }

    fn byte(&mut self) -> u8 {
        self.next().to_le_bytes()[0]
    }

    fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }

    fn pick<'a, T: ?Sized>(&mut self, items: &[&'a T]) -> &'a T {
        items[self.below(items.len())]
    }

    fn bytes(&mut self, max_len: usize) -> Vec<u8> {
        let len = self.below(max_len + 1);
        (0..len).map(|_| self.byte()).collect()
    }

    /// `len` bytes drawn from `alphabet`.
    fn bytes_from(&mut self, alphabet: &[u8], max_len: usize) -> Vec<u8> {
        let len = self.below(max_len + 1);
        (0..len)
            .map(|_| alphabet[self.below(alphabet.len())])
            .collect()
    }

    /// Overwrites, inserts or deletes a few random bytes.
    fn mutate(&mut self, data: &mut Vec<u8>) {
        for _ in 0..=self.below(3) {
            let at = self.below(data.len() + 1);
            match self.below(3) {
                0 if at < data.len() => data[at] = self.byte(),
                1 if at < data.len() => {
                    data.remove(at);
                }
                _ => data.insert(at, self.byte()),
            }
        }
    }
}

/// The run's seed: `SIGV4_SEED`, or the clock. Printed either way.
fn seed(property: &str) -> u64 {
    let seed = match std::env::var("SIGV4_SEED") {
        Ok(text) => text
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("SIGV4_SEED={text:?} is not a u64")),
        Err(_) => SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |elapsed| {
                u64::try_from(elapsed.as_nanos() % u128::from(u64::MAX)).unwrap_or(0)
            }),
    };
    println!("{property}: seed {seed} (replay with SIGV4_SEED={seed})");
    seed
}

fn case_count() -> usize {
    std::env::var("SIGV4_PROPERTY_CASES")
        .ok()
        .and_then(|text| text.trim().parse().ok())
        .unwrap_or(DEFAULT_CASES)
}

/// Runs `property` on `count` inputs from `generate`; on a failure, re-raises it with the
/// seed, the case number and the input bytes.
fn run_generated(
    name: &str,
    property: fn(&[u8]),
    mut generate: impl FnMut(&mut Rng) -> Vec<u8>,
) -> usize {
    let seed = seed(name);
    let mut rng = Rng(seed);
    let count = case_count();
    for index in 0..count {
        let input = generate(&mut rng);
        if let Err(panic) = catch_unwind(AssertUnwindSafe(|| property(&input))) {
            eprintln!(
                "{name}: property failed on generated case {index} of seed {seed}; input \
                 bytes: {input:?}"
            );
            std::panic::resume_unwind(panic);
        }
    }
    count
}

/// Runs `property` on every file of `fuzz/corpus/<target>/`; returns how many there were.
fn run_corpus(target: &str, property: fn(&[u8])) -> usize {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|error| panic!("seed corpus {} is missing: {error}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    assert!(
        !files.is_empty(),
        "seed corpus {} has no files",
        dir.display()
    );
    for file in &files {
        let input = std::fs::read(file).unwrap();
        if let Err(panic) = catch_unwind(AssertUnwindSafe(|| property(&input))) {
            eprintln!(
                "{target}: property failed on corpus file {}",
                file.display()
            );
            std::panic::resume_unwind(panic);
        }
    }
    files.len()
}

// ----- generators ----------------------------------------------------------------------------

/// A `sign_raw` input: mostly plausible requests with a few nasty fields, sometimes mutated,
/// sometimes pure noise.
fn generate_sign_raw(rng: &mut Rng) -> Vec<u8> {
    if rng.chance(16) {
        return rng.bytes(200);
    }
    let methods: [&[u8]; 8] = [
        b"GET",
        b"POST",
        b"get",
        b"PUT",
        b"",
        b"G T",
        b"GE\xc3\xa9",
        b"X",
    ];
    let urls: [&[u8]; 14] = [
        b"https://example.com/",
        b"https://example.com/a/./b/../c//d?x=1&b=%20&a",
        b"http://EXAMPLE.com:80/p%2Fq?z&y=2",
        b"https://h:8443",
        b"https://[::1]:9000/x",
        b"https://example.com/a b",
        b"https://example.com/#frag",
        b"https://user@example.com/",
        b"ftp://example.com/",
        b"/relative",
        b"https://example.com/%zz",
        b"https://example.com/\xc3\xa9",
        b"https://example.com/\xff\xfe",
        b"",
    ];
    let regions: [&[u8]; 5] = [
        b"us-east-1",
        b"ap-northeast-1",
        b"",
        b"us/east",
        b"r\xc3\xa9",
    ];
    let services: [&[u8]; 5] = [b"s3", b"execute-api", b"service", b"", b"s 3"];
    let dates: [&[u8]; 6] = [
        b"20150830T123600Z",
        b"20240229T235959Z",
        b"20230229T000000Z",
        b"20151330T000000Z",
        b"2015-08-30",
        b"",
    ];
    let keys: [&[u8]; 4] = [b"AKIDEXAMPLE", b"", b"AK/ID", b"AK ID"];
    let secrets: [&[u8]; 5] = [
        b"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        b"",
        b"secret\x01key-longer",
        b"s\xc3\xa9cret-unicode",
        b"request.url",
    ];
    let tokens: [&[u8]; 4] = [
        b"AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQW",
        b"",
        b"token with spaces",
        b"tok\xc3\xa9n-unicode",
    ];
    let hashes: [&[u8]; 5] = [
        b"UNSIGNED-PAYLOAD",
        b"STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
        b"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        b"E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
        b"",
    ];
    let names: [&[u8]; 12] = [
        b"Content-Type",
        b"x-custom",
        b"User-Agent",
        b"Host",
        b"host",
        b"X-Amz-Date",
        b"authorization",
        b"bad name",
        b"",
        b"n\xc3\xa9",
        b"X-Amz-Meta-A",
        b"x-CUSTOM",
    ];
    let values: [&[u8]; 10] = [
        b"application/json",
        b"  a \t  b  ",
        b"",
        b"a\r\nb",
        b"a\x00b",
        b"\xe6\x97\xa5\xe6\x9c\xac",
        b"api.example.com",
        b"x\x7f",
        b"\xc3",
        b"v,w",
    ];
    let body_len = if rng.chance(4) { 300 } else { 8 };
    let mut fields: Vec<Vec<u8>> = vec![
        rng.pick(&methods).to_vec(),
        rng.pick(&urls).to_vec(),
        rng.pick(&regions).to_vec(),
        rng.pick(&services).to_vec(),
        rng.pick(&dates).to_vec(),
        rng.pick(&keys).to_vec(),
        rng.pick(&secrets).to_vec(),
        rng.pick(&tokens).to_vec(),
        rng.pick(&hashes).to_vec(),
        rng.bytes(body_len)
            .into_iter()
            .map(|b| b.min(property::FIELD_SEPARATOR - 1))
            .collect(),
    ];
    // Mostly valid: each odd field is replaced by the first (valid) choice most of the time.
    let valid: [&[u8]; 9] = [
        methods[0],
        urls[0],
        regions[0],
        services[2],
        dates[0],
        keys[0],
        secrets[0],
        tokens[0],
        hashes[0],
    ];
    for (field, valid) in fields.iter_mut().zip(valid) {
        if !rng.chance(12) {
            *field = valid.to_vec();
        }
    }
    if rng.chance(3) {
        let tail = rng.bytes_from(b"/?&=.a1FZ~-_+:@!$'()*,;", 16);
        fields[1] = [b"https://example.com/".as_slice(), &tail].concat();
    }
    // The first few names and values of each list are valid.
    for _ in 0..rng.below(4) {
        let name = if rng.chance(6) {
            rng.pick(&names)
        } else {
            rng.pick(&names[..5])
        };
        let value = if rng.chance(12) {
            rng.bytes(10)
        } else if rng.chance(6) {
            rng.pick(&values).to_vec()
        } else {
            rng.pick(&values[..3]).to_vec()
        };
        fields.push(name.to_vec());
        fields.push(value);
    }
    let size = u16::try_from(rng.below(1200)).unwrap().to_le_bytes();
    let control = [
        if rng.chance(10) {
            rng.byte()
        } else {
            rng.byte() & 0x0F
        },
        if rng.chance(4) {
            rng.byte()
        } else {
            rng.byte() & 0x05
        },
        rng.byte(),
        size[0],
        size[1],
        rng.byte() & if rng.chance(8) { 0x07 } else { 0x03 },
    ];
    let field_refs: Vec<&[u8]> = fields.iter().map(Vec::as_slice).collect();
    let mut data = RawCase::encode(control, &field_refs);
    if rng.chance(6) {
        rng.mutate(&mut data);
    }
    data
}

/// A URL made of plausible and hostile parts, sometimes mutated or pure noise.
fn generate_url(rng: &mut Rng) -> Vec<u8> {
    if rng.chance(10) {
        return rng.bytes(40);
    }
    let schemes: [&str; 8] = [
        "https://",
        "http://",
        "HTTPS://",
        "HtTp://",
        "ftp://",
        "",
        "https:/",
        "https://:",
    ];
    let hosts: [&str; 10] = [
        "example.com",
        "EXAMPLE.Com",
        "h",
        "[::1]",
        "[2001:db8::1]",
        "",
        "exa$mple.com",
        "user:pw@h",
        "a_b.c-d~e",
        "[::1",
    ];
    let ports: [&str; 10] = [
        "", ":443", ":80", ":8080", ":0", ":65535", ":65536", ":", ":0443", ":x",
    ];
    let url_alphabet = b"/?&=.%a1FZ~-_+:@!$'()*,;[] #\x7f\t";
    let mut url = String::new();
    url.push_str(rng.pick(&schemes));
    url.push_str(rng.pick(&hosts));
    url.push_str(rng.pick(&ports));
    let rest = rng.bytes_from(url_alphabet, 24);
    let mut data = url.into_bytes();
    data.extend_from_slice(&rest);
    if rng.chance(10) {
        data.extend_from_slice("é".as_bytes());
    }
    if rng.chance(5) {
        rng.mutate(&mut data);
    }
    data
}

/// A `path` input: mostly `/`, `.` and letters, with some bytes that map onto escapes.
fn generate_path(rng: &mut Rng) -> Vec<u8> {
    let alphabet = b"/////....abZ~-_+:@!$&'()*,;=\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f";
    if rng.chance(10) {
        rng.bytes(32)
    } else {
        rng.bytes_from(alphabet, 24)
    }
}

/// A `query` input: keys, values and separators, with some bytes that map onto escapes.
fn generate_query(rng: &mut Rng) -> Vec<u8> {
    let alphabet = b"&&&===abAB09-_.~+/?:@!$'()*,;[]\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f";
    if rng.chance(10) {
        rng.bytes(32)
    } else {
        rng.bytes_from(alphabet, 24)
    }
}

/// A `header_fold` input: blanks, letters and UTF-8, sometimes two values, sometimes a control.
fn generate_header_value(rng: &mut Rng) -> Vec<u8> {
    let mut data: Vec<u8> = (0..rng.below(20))
        .map(|_| u8::try_from(rng.below(16)).unwrap())
        .collect();
    if rng.chance(3) {
        let at = rng.below(data.len() + 1);
        data.insert(at, 0xF0 + u8::try_from(rng.below(8)).unwrap());
    }
    if rng.chance(5) {
        let at = rng.below(data.len() + 1);
        data.insert(at, 0xF8 + u8::try_from(rng.below(8)).unwrap());
    }
    if rng.chance(10) {
        data = rng.bytes(24);
    }
    data
}

// ----- tests ---------------------------------------------------------------------------------

#[test]
fn sigv4_sign_on_arbitrary_bytes_keeps_its_status_buffer_and_message_contract() {
    let generated = run_generated("sign_raw", property::sign_raw, generate_sign_raw);
    let corpus = run_corpus("sign_raw", property::sign_raw);
    println!("sign_raw: {generated} generated inputs, {corpus} corpus files");
}

#[test]
fn any_url_either_fails_cleanly_or_yields_an_encoded_canonical_uri_and_query() {
    let generated = run_generated("url_split", property::url_split, generate_url);
    let corpus = run_corpus("url_split", property::url_split);
    println!("url_split: {generated} generated inputs, {corpus} corpus files");
}

#[test]
fn path_normalization_removes_dot_segments_and_is_idempotent() {
    let generated = run_generated("path", property::path, generate_path);
    let corpus = run_corpus("path", property::path);
    println!("path: {generated} generated inputs, {corpus} corpus files");
}

#[test]
fn canonical_query_is_sorted_encoded_and_idempotent() {
    let generated = run_generated("query", property::query, generate_query);
    let corpus = run_corpus("query", property::query);
    println!("query: {generated} generated inputs, {corpus} corpus files");
}

#[test]
fn header_values_are_trimmed_and_folded_once_and_controls_are_rejected() {
    let generated = run_generated("header_fold", property::header_fold, generate_header_value);
    let corpus = run_corpus("header_fold", property::header_fold);
    println!("header_fold: {generated} generated inputs, {corpus} corpus files");
}
