# frozen_string_literal: true

# Many calls do not grow memory without bound: every MemoryPointer is garbage-collected, and
# signers and hashers dropped without #close are freed by their FFI::AutoPointer finalizers.
require_relative "helper"

class TestMemory < Minitest::Test
  include Sigv4Test

  # Growth allowed after warm-up. A leaked signer holds a copy of its 8 KiB session token, so
  # leaking the 20,000 made below would cost over 160 MiB; a leaked output buffer is 4 KiB.
  BOUND = 48 * 1024 * 1024
  BIG_TOKEN = "T" * 8192

  def settle
    3.times { GC.start(full_mark: true, immediate_sweep: true) }
    rss_bytes
  end

  def churn(rounds)
    credentials = Sigv4::Credentials.new(access_key_id: "AKIDEXAMPLE", secret_access_key: EXAMPLE_SECRET,
                                         session_token: BIG_TOKEN)
    rounds.times do |i|
      request = Net::HTTP::Post.new(URI(W1::URL), "Content-Type" => "application/json")
      Sigv4.sign(request, body: "x" * 2048, credentials: credentials, region: "ap-northeast-1",
                          service: "execute-api", time: W1::SCOPE[:time])
      begin
        Sigv4.signing_headers(method: "GET", url: W1::URL, headers: { "x-bad" => "\n" },
                              credentials: credentials, region: "r", service: "s")
      rescue Sigv4::Error
        nil
      end
      # Dropped without close: only the AutoPointer finalizer frees these.
      signer = Sigv4::Signer.new(credentials: credentials, region: "ap-northeast-1", service: "execute-api")
      signer.signing_headers(method: "GET", url: W1::URL, time: W1::SCOPE[:time]) if i.even?
      Sigv4::PayloadHasher.new << "abc"
      GC.start if (i % 2000).zero?
    end
  end

  def test_twenty_thousand_signatures_signers_and_hashers_keep_rss_bounded
    churn(4_000)
    before = settle
    churn(20_000)
    after = settle
    growth = after - before
    assert_operator growth, :<, BOUND,
                    "RSS grew by #{growth / 1024} KiB over 20,000 iterations (#{before / 1024} KiB -> " \
                    "#{after / 1024} KiB): something handed to or from libsigv4 is not being freed"
  end
end
