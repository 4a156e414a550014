# frozen_string_literal: true

# Bad input raises Sigv4::Error with libsigv4's status code, its name and a detail message
# that names the field and never carries a secret.
require_relative "helper"

class TestErrors < Minitest::Test
  include Sigv4Test

  URL = "https://example.amazonaws.com/"
  SCOPE = { region: "us-east-1", service: "service", time: "20150830T123600Z" }.freeze

  def sign(method: "GET", url: URL, headers: {}, credentials: EXAMPLE_CREDENTIALS, **options)
    Sigv4.signing_headers(method: method, url: url, headers: headers, credentials: credentials,
                          **SCOPE.merge(options))
  end

  def assert_sigv4_error(code, name, *fragments, &block)
    error = assert_raises(Sigv4::Error, &block)
    assert_equal [code, name], [error.code, error.name],
                 "expected status #{code} (#{name}); got #{error.inspect}"
    fragments.each do |fragment|
      assert_includes error.message, fragment, "the detail message must name #{fragment.inspect}"
    end
    error
  end

  def test_crlf_in_a_header_value_is_invalid_header_naming_its_index_and_name
    error = assert_sigv4_error(5, :invalid_header, "headers[1]", "x-bad") do
      sign(headers: [%w[x-good fine], ["x-bad", "a\r\nInjected: yes"]])
    end
    refute_includes error.message, "Injected", "the message must not echo the header value"
    assert_equal Sigv4::ERR_INVALID_HEADER, error.code
    assert_equal Sigv4.strerror(5), error.description
  end

  def test_lf_alone_in_a_header_value_is_invalid_header
    assert_sigv4_error(5, :invalid_header, "headers[0]") { sign(headers: { "x-a" => "one\ntwo" }) }
  end

  def test_nul_in_a_header_value_is_invalid_header_before_c_could_truncate_it
    assert_sigv4_error(5, :invalid_header, "headers[0]", "x-nul", "NUL") do
      sign(headers: { "x-nul" => "a\0b" })
    end
  end

  def test_header_name_that_is_not_a_token_on_a_net_http_request_is_invalid_header
    request = Net::HTTP::Get.new(URI(URL))
    request["bad name"] = "x"
    assert_sigv4_error(5, :invalid_header, "headers[", "bad name") do
      Sigv4.sign(request, credentials: EXAMPLE_CREDENTIALS, **SCOPE)
    end
    assert_nil request["Authorization"], "a failed sign must not add headers to the request"
  end

  def test_signing_a_request_twice_is_refused_because_it_already_carries_signature_headers
    request = Net::HTTP::Get.new(URI(URL))
    Sigv4.sign(request, credentials: EXAMPLE_CREDENTIALS, **SCOPE)
    assert_sigv4_error(5, :invalid_header, "x-amz-date") do
      Sigv4.sign(request, credentials: EXAMPLE_CREDENTIALS, **SCOPE)
    end
  end

  def test_caller_authorization_header_is_invalid_header
    assert_sigv4_error(5, :invalid_header, "headers[0]", "Authorization") do
      sign(headers: { "Authorization" => "Bearer x" })
    end
  end

  def test_invalid_utf8_in_a_header_value_is_invalid_utf8
    assert_sigv4_error(2, :invalid_utf8, "headers[0]") { sign(headers: { "x-a" => "\xFF".b }) }
  end

  def test_header_value_over_the_field_limit_is_too_large
    assert_sigv4_error(11, :too_large, "headers[0]") { sign(headers: { "x-a" => "a" * 70_000 }) }
  end

  def test_method_that_is_empty_or_not_an_http_token_is_invalid_method
    assert_sigv4_error(3, :invalid_method, "method") { sign(method: "GE T") }
    assert_sigv4_error(3, :invalid_method, "method") { sign(method: "") }
  end

  def test_relative_url_fragment_and_space_are_invalid_url
    assert_sigv4_error(4, :invalid_url, "url") { sign(url: "/relative") }
    assert_sigv4_error(4, :invalid_url, "url") { sign(url: "https://example.com/#frag") }
    request = Net::HTTP::Get.new("/a b")
    assert_sigv4_error(4, :invalid_url, "url") do
      Sigv4.sign(request, uri: URI(URL), credentials: EXAMPLE_CREDENTIALS, **SCOPE)
    end
  end

  def test_empty_secret_is_invalid_credentials_naming_the_field
    creds = Sigv4::Credentials.new(access_key_id: "AKIDEXAMPLE", secret_access_key: "")
    assert_sigv4_error(6, :invalid_credentials, "secret_access_key") { sign(credentials: creds) }
  end

  def test_nul_in_a_secret_is_invalid_credentials_without_echoing_the_secret
    secret = "s3cr3t-\0-tail"
    creds = { access_key_id: "AKIDEXAMPLE", secret_access_key: secret }
    error = assert_sigv4_error(6, :invalid_credentials, "secret_access_key") { sign(credentials: creds) }
    refute_includes error.message, "s3cr3t", "an error message must never contain the secret"
  end

  def test_empty_region_and_slash_in_service_are_invalid_scope
    assert_sigv4_error(7, :invalid_scope, "region") { sign(region: "") }
    assert_sigv4_error(7, :invalid_scope, "service") { sign(service: "a/b") }
  end

  def test_impossible_dates_are_invalid_date
    assert_sigv4_error(8, :invalid_date, "amz_date") { sign(time: "20151330T123600Z") }
    assert_sigv4_error(8, :invalid_date, "amz_date") { sign(time: "20150230T123600Z") }
    assert_raises(ArgumentError) { sign(time: 1_440_938_160) }
  end

  def test_malformed_payload_hash_is_invalid_payload_hash
    assert_sigv4_error(9, :invalid_payload_hash, "payload_hash") { sign(payload_hash: "ABC") }
    assert_sigv4_error(9, :invalid_payload_hash, "payload_hash") { sign(payload_hash: "") }
  end

  def test_unknown_flag_bit_is_invalid_flags_naming_params_flags
    assert_sigv4_error(13, :invalid_flags, "params.flags") { sign(flags: 1 << 10) }
  end

  def test_request_without_scheme_and_host_is_an_argument_error_saying_to_pass_uri
    error = assert_raises(ArgumentError) do
      Sigv4.sign(Net::HTTP::Get.new("/"), credentials: EXAMPLE_CREDENTIALS, **SCOPE)
    end
    assert_includes error.message, "uri:"
  end

  def test_body_stream_without_payload_hash_is_an_argument_error
    request = Net::HTTP::Put.new(URI(URL))
    request.body_stream = StringIO.new("data")
    request.content_length = 4
    error = assert_raises(ArgumentError) do
      Sigv4.sign(request, credentials: EXAMPLE_CREDENTIALS, **SCOPE)
    end
    assert_includes error.message, "payload_hash:"
  end

  def test_strerror_describes_every_code_and_unknown_numbers
    Sigv4::STATUS_NAMES.each_key do |code|
      text = Sigv4.strerror(code)
      refute_empty text, "sigv4_strerror(#{code}) must describe the status"
      refute_equal "unknown status", text, "status #{code} is in sigv4.h, so it is known"
    end
    assert_equal "unknown status", Sigv4.strerror(99)
    assert_equal "unknown status", Sigv4.strerror(2**32 - 1)
  end

  def test_detail_message_is_the_failing_threads_own
    errors = Array.new(8) do |i|
      Thread.new do
        headers = Array.new(i) { |j| ["x-ok#{j}", "v"] } + [["x-bad#{i}", "\n"]]
        200.times.map do
          sign(headers: headers)
        rescue Sigv4::Error => e
          e.message
        end
      end
    end.map(&:value)
    errors.each_with_index do |messages, i|
      messages.each do |message|
        assert_includes message, "headers[#{i}] (\"x-bad#{i}\")",
                        "thread #{i} must read its own detail message, not another thread's"
      end
    end
  end

  def test_error_is_a_standard_error_with_a_readable_inspect
    error = assert_raises(StandardError) { sign(region: "") }
    assert_kind_of Sigv4::Error, error
    assert_match(/invalid_scope \(7\)/, error.inspect)
  end
end
