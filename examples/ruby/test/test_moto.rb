# frozen_string_literal: true

# End to end against moto (a real SigV4 verifier) on 127.0.0.1, started by tests/ruby.rs, which
# passes the server and an assumed role's temporary credentials:
#   SIGV4_MOTO_URL                  http://127.0.0.1:PORT/
#   SIGV4_MOTO_ACCESS_KEY_ID, SIGV4_MOTO_SECRET_ACCESS_KEY, SIGV4_MOTO_SESSION_TOKEN
#   SIGV4_MOTO_ROLE_ARN             arn:aws:sts::<account>:assumed-role/<role>/<session>
# Run alone (without those variables) these tests skip; tests/ruby.rs fails on any skip.
require_relative "helper"

class TestMoto < Minitest::Test
  include Sigv4Test

  # sts:GetCallerIdentity as a query-protocol form. moto re-serialises form bodies with
  # urlencode before hashing, so the body must already be in that form (it is).
  GET_CALLER_IDENTITY = "Action=GetCallerIdentity&Version=2011-06-15"
  FORM = "application/x-www-form-urlencoded; charset=utf-8"

  def setup
    @url = ENV["SIGV4_MOTO_URL"]
    skip "SIGV4_MOTO_URL is not set: run through `cargo test --release --test ruby`" unless @url
    @uri = URI(@url)
    @credentials = Sigv4::Credentials.new(access_key_id: ENV.fetch("SIGV4_MOTO_ACCESS_KEY_ID"),
                                          secret_access_key: ENV.fetch("SIGV4_MOTO_SECRET_ACCESS_KEY"),
                                          session_token: ENV.fetch("SIGV4_MOTO_SESSION_TOKEN"))
    @role_arn = ENV.fetch("SIGV4_MOTO_ROLE_ARN")
  end

  def post_form(body, credentials: @credentials, signer: nil, sent_body: body)
    request = Net::HTTP::Post.new(@uri, "Content-Type" => FORM)
    if signer
      signer.sign(request, body: body)
    else
      Sigv4.sign(request, body: body, credentials: credentials, region: "us-east-1", service: "sts")
    end
    request.body = sent_body
    Net::HTTP.start(@uri.host, @uri.port, open_timeout: 10, read_timeout: 20) do |http|
      http.request(request)
    end
  end

  def xml(response, tag)
    response.body.to_s[%r{<#{tag}>([^<]*)</#{tag}>}, 1]
  end

  def describe(response)
    "HTTP #{response.code}: #{response.body}"
  end

  def test_moto_accepts_get_caller_identity_signed_with_the_assumed_roles_token
    response = post_form(GET_CALLER_IDENTITY)
    assert_equal "200", response.code, "a GetCallerIdentity signed by Sigv4.sign: #{describe(response)}"
    assert_equal @role_arn, xml(response, "Arn"),
                 "moto must identify the caller as the assumed role whose temporary key signed it"
  end

  def test_moto_accepts_a_request_signed_by_a_signer
    signer = Sigv4::Signer.new(credentials: @credentials, region: "us-east-1", service: "sts")
    2.times do
      response = post_form(GET_CALLER_IDENTITY, signer: signer)
      assert_equal "200", response.code, "a GetCallerIdentity signed by Sigv4::Signer: #{describe(response)}"
      assert_equal @role_arn, xml(response, "Arn")
    end
  ensure
    signer&.close
  end

  def test_moto_refuses_a_wrong_secret_with_signature_does_not_match
    wrong = Sigv4::Credentials.new(access_key_id: @credentials.access_key_id,
                                   secret_access_key: "#{@credentials.secret_access_key}x",
                                   session_token: @credentials.session_token)
    response = post_form(GET_CALLER_IDENTITY, credentials: wrong)
    assert_equal "403", response.code,
                 "a secret one byte off must be refused, since moto recomputes the signature: #{describe(response)}"
    assert_equal "SignatureDoesNotMatch", xml(response, "Code")
  end

  def test_moto_refuses_a_body_changed_after_signing
    response = post_form(GET_CALLER_IDENTITY, sent_body: "Action=GetCallerIdentity&Version=2011-06-16")
    assert_equal "403", response.code,
                 "the body is covered by the signature, so a changed body must be refused: #{describe(response)}"
  end

  def test_moto_refuses_a_wrong_session_token
    wrong = Sigv4::Credentials.new(access_key_id: @credentials.access_key_id,
                                   secret_access_key: @credentials.secret_access_key,
                                   session_token: "#{@credentials.session_token}x")
    response = post_form(GET_CALLER_IDENTITY, credentials: wrong)
    assert_equal "403", response.code,
                 "a session token that is not the session's must be refused: #{describe(response)}"
  end
end
