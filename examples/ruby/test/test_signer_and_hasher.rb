# frozen_string_literal: true

# Sigv4::Signer signs exactly as the one-shot Sigv4.sign, Sigv4::PayloadHasher hashes exactly
# as signing the body in memory, and both release their C objects.
require_relative "helper"
require "digest"
require "stringio"

class TestSignerAndHasher < Minitest::Test
  include Sigv4Test

  def w1_signer(**flags)
    Sigv4::Signer.new(credentials: W1::CREDENTIALS, region: W1::SCOPE[:region],
                      service: W1::SCOPE[:service], **flags)
  end

  def test_signer_signs_w1_to_the_known_authorization
    signer = w1_signer
    headers = signer.signing_headers(method: "GET", url: W1::URL, headers: W1::HEADERS,
                                     time: W1::SCOPE[:time])
    assert_equal W1::AUTHORIZATION, headers["Authorization"]
  ensure
    signer&.close
  end

  def test_signer_equals_one_shot_sign_on_net_http_requests_across_dates_and_flags
    [{}, { content_sha256: true }, { unsigned_session_token: true }].each do |flags|
      signer = w1_signer(**flags)
      ["20150830T123600Z", "20150831T000000Z", Time.utc(2024, 2, 29, 23, 59, 59)].each do |time|
        uri = URI("https://api.example.com/trial/getinfo/1234?b=2&a=1")
        one_shot = Net::HTTP::Post.new(uri, "Content-Type" => "application/json")
        with_signer = Net::HTTP::Post.new(uri, "Content-Type" => "application/json")
        expected = Sigv4.sign(one_shot, body: '{"a":1}', credentials: W1::CREDENTIALS,
                                        region: "ap-northeast-1", service: "execute-api",
                                        time: time, **flags)
        actual = signer.sign(with_signer, body: '{"a":1}', time: time)
        assert_equal expected, actual, "Signer#sign must equal Sigv4.sign (flags #{flags}, #{time})"
        assert_equal one_shot.each_header.to_a, with_signer.each_header.to_a
      end
      signer.close
    end
  end

  def test_signer_is_usable_from_many_threads_at_once
    signer = w1_signer
    results = Array.new(8) do
      Thread.new do
        Array.new(100) do
          signer.signing_headers(method: "GET", url: W1::URL, headers: W1::HEADERS,
                                 time: W1::SCOPE[:time])["Authorization"]
        end
      end
    end.flat_map(&:value)
    assert_equal [W1::AUTHORIZATION], results.uniq
  ensure
    signer&.close
  end

  def test_closed_signer_raises_null_argument_naming_the_signer
    signer = w1_signer
    signer.close
    signer.close # idempotent
    assert signer.closed?
    error = assert_raises(Sigv4::Error) do
      signer.signing_headers(method: "GET", url: W1::URL)
    end
    assert_equal [1, :null_argument], [error.code, error.name]
    assert_includes error.message, "signer"
  end

  def test_signer_new_rejects_bad_scope_and_credentials_with_their_codes
    error = assert_raises(Sigv4::Error) do
      Sigv4::Signer.new(credentials: W1::CREDENTIALS, region: "", service: "execute-api")
    end
    assert_equal 7, error.code
    error = assert_raises(Sigv4::Error) do
      Sigv4::Signer.new(credentials: { access_key_id: "", secret_access_key: "x" },
                        region: "us-east-1", service: "sts")
    end
    assert_equal 6, error.code
    assert_includes error.message, "access_key_id"
  end

  def body
    @body ||= Array.new(300_000) { |i| (i % 251).chr }.join.b
  end

  def test_payload_hasher_equals_sha256_and_starts_over_after_hexdigest
    hasher = Sigv4::PayloadHasher.new
    body.bytes.each_slice(65_537) { |chunk| hasher << chunk.pack("C*") }
    assert_equal Digest::SHA256.hexdigest(body), hasher.hexdigest
    assert_equal Digest::SHA256.hexdigest(""), hasher.hexdigest,
                 "hexdigest finishes and starts over, as sigv4_payload_hasher_finish does"
    hasher.update("abc").update("def")
    assert_equal Digest::SHA256.hexdigest("abcdef"), hasher.hexdigest!
  ensure
    hasher&.close
  end

  def test_payload_hasher_hash_signs_like_the_body_in_memory
    url = "https://examplebucket.s3.us-east-1.amazonaws.com/photos/big.bin"
    options = { credentials: EXAMPLE_CREDENTIALS, region: "us-east-1", service: "s3",
                time: "20150830T123600Z" }
    one_shot = Sigv4.signing_headers(method: "PUT", url: url, body: body, **options)
    hash = Sigv4::PayloadHasher.hexdigest_io(StringIO.new(body), chunk: 4096)
    streamed = Sigv4.signing_headers(method: "PUT", url: url, payload_hash: hash, **options)
    assert_equal one_shot, streamed,
                 "signing with the hasher's hex must equal signing the body itself (S3 returns " \
                 "X-Amz-Content-Sha256 too)"
    assert_equal Digest::SHA256.hexdigest(body), one_shot["X-Amz-Content-Sha256"]
  end

  def test_body_stream_request_signs_like_the_same_body_in_memory
    uri = URI("https://examplebucket.s3.us-east-1.amazonaws.com/photos/big.bin")
    options = { credentials: EXAMPLE_CREDENTIALS, region: "us-east-1", service: "s3",
                time: "20150830T123600Z" }
    in_memory = Net::HTTP::Put.new(uri, "Content-Type" => "application/octet-stream")
    Sigv4.sign(in_memory, body: body, **options)

    streamed = Net::HTTP::Put.new(uri, "Content-Type" => "application/octet-stream")
    streamed.body_stream = StringIO.new(body)
    streamed.content_length = body.bytesize
    hash = Sigv4::PayloadHasher.hexdigest_io(StringIO.new(body))
    Sigv4.sign(streamed, payload_hash: hash, **options)
    assert_equal in_memory["Authorization"], streamed["Authorization"]
  end

  def test_closed_payload_hasher_raises_null_argument
    hasher = Sigv4::PayloadHasher.new
    hasher.close
    error = assert_raises(Sigv4::Error) { hasher << "x" }
    assert_equal 1, error.code
  end

  def test_unsigned_payload_token_is_signed_verbatim
    headers = Sigv4.signing_headers(method: "PUT", url: "https://b.s3.amazonaws.com/k", body: "ignored",
                                    payload_hash: Sigv4::UNSIGNED_PAYLOAD, credentials: EXAMPLE_CREDENTIALS,
                                    region: "us-east-1", service: "s3")
    assert_equal "UNSIGNED-PAYLOAD", headers["X-Amz-Content-Sha256"]
  end

  def test_credentials_inspect_redacts_the_secret_and_token
    text = W1::CREDENTIALS.inspect
    refute_includes text, EXAMPLE_SECRET
    refute_includes text, W1::TOKEN[0, 20]
    assert_includes text, "AKIDEXAMPLE"
    assert_includes text, "** redacted **"
  end

  def test_output_larger_than_the_first_4_kib_buffer_is_retried_at_the_size_libsigv4_asks
    token = "T" * 10_000
    credentials = Sigv4::Credentials.new(access_key_id: "AKIDEXAMPLE", secret_access_key: EXAMPLE_SECRET,
                                         session_token: token)
    headers = Sigv4.signing_headers(method: "GET", url: W1::URL, credentials: credentials, **W1::SCOPE)
    assert_equal token, headers["X-Amz-Security-Token"],
                 "a 10,000-byte token needs more than the first 4 KiB buffer; the retry must return it whole"
    signer = Sigv4::Signer.new(credentials: credentials, region: "ap-northeast-1", service: "execute-api")
    assert_equal headers, signer.signing_headers(method: "GET", url: W1::URL, time: W1::SCOPE[:time])
  ensure
    signer&.close
  end

  def test_struct_layouts_match_sigv4_h_on_lp64
    native = Sigv4::Native
    assert_equal 16, native::Header.size
    assert_equal [56, 48], [native::Request.size, native::Request.offset_of(:payload_hash)]
    assert_equal 24, native::Credentials.size
    assert_equal [32, 24], [native::Params.size, native::Params.offset_of(:flags)]
    assert_equal [160, 24, 152],
                 [native::Output.size, native::Output.offset_of(:headers), native::Output.offset_of(:header_count)],
                 "sigv4_output holds headers[8] inline between buf_used and header_count"
  end

  def test_library_version_is_semver
    assert_match(/\A\d+\.\d+\.\d+\z/, Sigv4.library_version)
  end
end
