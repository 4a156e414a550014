# frozen_string_literal: true

# Known answers: cases of AWS's SigV4 suite and the W1 workload of shared/BASELINES.md, signed
# through Sigv4.signing_headers and through a Net::HTTP request.
require_relative "helper"

class TestVectors < Minitest::Test
  include Sigv4Test

  # Cases whose request target is already in wire form (the C API signs URLs as sent),
  # covering query sorting, header trimming and repeats, the session token signed and left
  # unsigned, a signed body, and unnormalised paths.
  CASES = %w[
    get-vanilla
    get-vanilla-query-order-key-case
    get-vanilla-query-unreserved
    get-header-value-trim
    get-header-key-duplicate
    get-slashes-normalized
    get-slashes-unnormalized
    get-vanilla-with-session-token
    post-sts-header-before
    post-sts-header-after
    post-header-key-sort
    post-x-www-form-urlencoded
    post-x-www-form-urlencoded-parameters
  ].freeze

  def sign_case(test_case)
    Sigv4.signing_headers(method: test_case.method, url: test_case.url, headers: test_case.headers,
                          body: test_case.body, **test_case.options)
  end

  CASES.each do |name|
    define_method(:"test_aws_suite_#{name.tr('-', '_')}_signs_to_the_published_signature") do
      test_case = Case.load(name)
      headers = sign_case(test_case)
      expected = test_case.expected("signature")
      canonical = test_case.expected("canonical-request").split("\n")
      assert_equal expected, signature(headers.fetch("Authorization")),
                   "#{name}: the Signature= of #{headers.inspect} must equal header-signature.txt"
      assert_equal canonical[-2], signed_headers(headers.fetch("Authorization")),
                   "#{name}: SignedHeaders= must be the canonical request's signed-header line"
      assert_equal "20150830T123600Z", headers.fetch("X-Amz-Date"),
                   "#{name}: the Time from context.json must be sent as X-Amz-Date"
    end
  end

  def test_aws_suite_session_token_is_returned_even_when_left_unsigned
    test_case = Case.load("post-sts-header-after")
    headers = sign_case(test_case)
    assert_equal test_case.credentials.session_token, headers["X-Amz-Security-Token"],
                 "unsigned_session_token: true must still return the token header to send"
    refute_includes signed_headers(headers["Authorization"]), "x-amz-security-token",
                    "unsigned_session_token: true must keep the token out of SignedHeaders"
  end

  def test_aws_suite_signed_body_returns_the_content_sha256_header
    test_case = Case.load("post-x-www-form-urlencoded")
    headers = sign_case(test_case)
    assert_equal test_case.expected("canonical-request").split("\n").last,
                 headers["X-Amz-Content-Sha256"],
                 "content_sha256: true (sign_body) must return the body's SHA-256 as X-Amz-Content-Sha256"
    assert_equal %w[X-Amz-Date X-Amz-Content-Sha256 Authorization], headers.keys,
                 "output headers come in the documented order"
  end

  def test_w1_signs_to_the_known_authorization
    headers = Sigv4.signing_headers(method: "GET", url: W1::URL, headers: W1::HEADERS,
                                    credentials: W1::CREDENTIALS, **W1::SCOPE)
    assert_equal W1::AUTHORIZATION, headers["Authorization"],
                 "W1 (shared/BASELINES.md) must sign to the answer of tests/c/known_answer.c"
    assert signature(headers["Authorization"]).start_with?(W1::SIGNATURE_PREFIX)
    assert_equal({ "X-Amz-Date" => "20150830T123600Z", "X-Amz-Security-Token" => W1::TOKEN },
                 headers.reject { |name, _| name == "Authorization" },
                 "W1 returns X-Amz-Date and the session token, in that order, before Authorization")
  end

  def test_w1_through_net_http_signs_to_the_known_authorization_once_net_http_defaults_are_removed
    request = Net::HTTP::Get.new(URI(W1::URL))
    # Net::HTTP adds Accept and Accept-Encoding in the constructor (and they would be signed:
    # they are sent); W1 has neither. User-Agent stays: libsigv4 never signs it.
    request.delete("Accept")
    request.delete("Accept-Encoding")
    W1::HEADERS.each { |name, value| request[name] = value }
    added = Sigv4.sign(request, credentials: W1::CREDENTIALS, **W1::SCOPE)
    assert_equal W1::AUTHORIZATION, request["Authorization"],
                 "Sigv4.sign on a Net::HTTP::Get must sign W1 like the C API does"
    assert_equal added["X-Amz-Security-Token"], request["X-Amz-Security-Token"],
                 "Sigv4.sign must set the headers it returns on the request"
    assert_equal "Ruby", request["User-Agent"], "Sigv4.sign must not touch User-Agent"
  end

  def test_aws_suite_form_post_through_net_http_signs_to_the_published_signature
    test_case = Case.load("post-x-www-form-urlencoded")
    request = Net::HTTP::Post.new(URI(test_case.url))
    request.delete("Accept")
    request.delete("Accept-Encoding")
    request["Content-Type"] = "application/x-www-form-urlencoded"
    headers = Sigv4.sign(request, body: test_case.body, **test_case.options)
    assert_equal "13", request["Content-Length"],
                 "Sigv4.sign must set the Content-Length Net::HTTP will send, so it is signed as sent"
    assert_equal test_case.expected("signature"), signature(headers["Authorization"]),
                 "a Net::HTTP::Post of post-x-www-form-urlencoded must sign to header-signature.txt"
  end

  def test_request_built_from_a_path_signs_like_one_built_from_the_uri
    test_case = Case.load("get-vanilla-query-order-key-case")
    from_uri = Net::HTTP::Get.new(URI(test_case.url))
    from_path = Net::HTTP::Get.new(test_case.target)
    a = Sigv4.sign(from_uri, **test_case.options)
    b = Sigv4.sign(from_path, uri: URI(test_case.url), **test_case.options)
    assert_equal a, b, "uri: must supply the scheme and host a path-built request lacks"
    assert_equal "example.amazonaws.com", from_path["Host"],
                 "Sigv4.sign must set the Host it signed on a path-built request"
  end
end
