# frozen_string_literal: true

# Shared by the tests: minitest, the module under test, and readers for the AWS test suite in
# ENV["SIGV4_TESTDATA"] (default: ../shared/testdata beside the repository).
require "minitest/autorun"
require "etc"
require "json"
require "time"
require "sigv4"

module Sigv4Test
  REPO = File.expand_path("../../..", __dir__)
  TESTDATA = ENV.fetch("SIGV4_TESTDATA", File.join(REPO, "..", "shared", "testdata"))
  SUITE = File.join(TESTDATA, "aws-sig-v4-test-suite")

  EXAMPLE_ACCESS_KEY_ID = "AKIDEXAMPLE"
  EXAMPLE_SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
  EXAMPLE_CREDENTIALS = Sigv4::Credentials.new(access_key_id: EXAMPLE_ACCESS_KEY_ID,
                                               secret_access_key: EXAMPLE_SECRET)

  # W1 `apigw-get` of shared/BASELINES.md; the full answer is tests/c/known_answer.c's.
  module W1
    ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    TOKEN = Array.new(400) { |i| ALPHABET[((37 * i) + 11) % 64] }.join
    URL = "https://abc123.execute-api.ap-northeast-1.amazonaws.com/trial/getinfo/1234?b=2&a=1"
    HEADERS = [%w[content-type application/json], ["x-custom", " a   b "]].freeze
    CREDENTIALS = Sigv4::Credentials.new(access_key_id: EXAMPLE_ACCESS_KEY_ID,
                                         secret_access_key: EXAMPLE_SECRET, session_token: TOKEN)
    SCOPE = { region: "ap-northeast-1", service: "execute-api", time: "20150830T123600Z" }.freeze
    SIGNATURE_PREFIX = "f5243c7ce6290094"
    AUTHORIZATION =
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/ap-northeast-1/execute-api/aws4_request, " \
      "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-custom, " \
      "Signature=f5243c7ce6290094ecc3a1a9ae7d315a182f9aed75b058cdf61e9189bcc9106a"
  end

  # One case folder of the AWS suite: its request (split as the suite's README says), its
  # context and the expected header-signing results.
  Case = Struct.new(:name, :method, :target, :headers, :body, :context, keyword_init: true) do
    def self.load(name)
      dir = File.join(SUITE, name)
      raise "AWS test suite case #{dir} not found; set SIGV4_TESTDATA" unless File.directory?(dir)

      raw = File.binread(File.join(dir, "request.txt"))
      head, body = raw.split("\n\n", 2)
      lines = head.split("\n")
      request_line = lines.shift
      method, rest = request_line.split(" ", 2)
      target = rest.delete_suffix(" HTTP/1.1")
      headers = lines.map do |line|
        raise "#{name}: folded header lines are not used by these tests" if line.start_with?(" ", "\t")

        line.split(":", 2)
      end
      context = JSON.parse(File.read(File.join(dir, "context.json")))
      new(name: name, method: method, target: target, headers: headers, body: body, context: context)
    end

    def expected(kind)
      File.read(File.join(SUITE, name, "header-#{kind}.txt"))
    end

    def host
      headers.find { |n, _| n.casecmp?("host") }.last
    end

    def url
      "https://#{host}#{target}"
    end

    def credentials
      c = context.fetch("credentials")
      Sigv4::Credentials.new(access_key_id: c.fetch("access_key_id"),
                             secret_access_key: c.fetch("secret_access_key"),
                             session_token: c["token"])
    end

    # The signing arguments context.json implies, as Sigv4 keywords.
    def options
      {
        credentials: credentials,
        region: context.fetch("region"),
        service: context.fetch("service"),
        time: Time.iso8601(context.fetch("timestamp")),
        no_path_normalize: !context.fetch("normalize"),
        content_sha256: context.fetch("sign_body"),
        unsigned_session_token: context.fetch("omit_session_token", false),
      }
    end
  end

  module_function

  def signature(authorization)
    authorization[/Signature=([0-9a-f]{64})\z/, 1] or raise "no Signature= in #{authorization.inspect}"
  end

  def signed_headers(authorization)
    authorization[/SignedHeaders=([^,]+),/, 1] or raise "no SignedHeaders= in #{authorization.inspect}"
  end

  # Resident set size in bytes, from /proc/self/statm (second field, in pages).
  def rss_bytes
    File.read("/proc/self/statm").split[1].to_i * Etc.sysconf(Etc::SC_PAGESIZE)
  end
end
