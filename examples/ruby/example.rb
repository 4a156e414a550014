#!/usr/bin/env ruby
# frozen_string_literal: true

# Signs the custom-domain API Gateway request with libsigv4 from Ruby and prints the headers.
#
#   SIGV4_LIB=/path/to/libsigv4.so ruby example.rb        # fixed time 20150830T123600Z, prints
#   ruby example.rb --now                                  # current time, prints
#   ruby example.rb https://api.example.com/trial/getinfo/1234?b=2&a=1   # signs now and sends
#
# The client talks to https://api.example.com (a custom domain in front of API Gateway) and
# signs for service "execute-api" in region "ap-northeast-1" with temporary credentials, so a
# session token is sent too. Keys come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY /
# AWS_SESSION_TOKEN when set, else AWS's documented example keys. Without SIGV4_LIB the
# system's libsigv4 (libsigv4.so.0) is loaded. Nothing is sent unless a URL is given.
require "net/http"
require_relative "lib/sigv4"

SEED_URL = "https://api.example.com/trial/getinfo/1234?b=2&a=1"
EXAMPLE_TOKEN =
  "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMic" \
  "RXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKs" \
  "burEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0" \
  "iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA=="

now = ARGV.delete("--now")
url = ARGV.shift
abort "usage: #{$PROGRAM_NAME} [--now] [URL]" unless ARGV.empty?

credentials =
  if ENV["AWS_ACCESS_KEY_ID"]
    Sigv4::Credentials.from_env
  else
    Sigv4::Credentials.new(access_key_id: "AKIDEXAMPLE",
                           secret_access_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                           session_token: EXAMPLE_TOKEN)
  end

uri = URI(url || SEED_URL)
request = Net::HTTP::Get.new(uri)
request["Content-Type"] = "application/json"

begin
  # With a custom domain the region and service cannot be guessed from the host name, so they
  # are given explicitly. time: nil signs at the current UTC time.
  Sigv4.sign(request, credentials: credentials, region: "ap-northeast-1", service: "execute-api",
                      time: now || url ? nil : "20150830T123600Z")
rescue Sigv4::Error => e
  abort "signing failed: #{e.name} (#{e.code}): #{e.message}"
end

# Every header Net::HTTP will send; all but User-Agent are covered by the signature.
request.each_capitalized { |name, value| puts "#{name}: #{value}" }
exit unless url

begin
  response = Net::HTTP.start(uri.host, uri.port, use_ssl: uri.scheme == "https",
                                                 open_timeout: 10, read_timeout: 30) do |http|
    http.request(request)
  end
rescue SystemCallError, IOError, SocketError, Timeout::Error, OpenSSL::SSL::SSLError => e
  abort "sending to #{uri} failed: #{e.message}"
end
puts
puts "HTTP #{response.code} #{response.message}"
puts response.body
