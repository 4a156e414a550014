# frozen_string_literal: true

# What Sigv4.sign signs is what Net::HTTP sends: a local server on 127.0.0.1 captures the raw
# request, and the captured headers, re-signed as plain values, give the same Authorization.
require_relative "helper"
require "socket"

class TestNetHttp < Minitest::Test
  include Sigv4Test

  OPTIONS = { credentials: W1::CREDENTIALS, region: "ap-northeast-1", service: "execute-api" }.freeze

  # Serves one request: returns [request line, [[name, value], ...], body] as received.
  def capture_one_request
    server = TCPServer.new("127.0.0.1", 0)
    captured = Thread.new do
      client = server.accept
      request_line = client.gets("\r\n").chomp("\r\n")
      headers = []
      while (line = client.gets("\r\n")) && line != "\r\n"
        name, value = line.chomp("\r\n").split(":", 2)
        headers << [name, value.sub(/\A */, "")]
      end
      length = headers.find { |n, _| n.casecmp?("content-length") }&.last.to_i
      body = length.positive? ? client.read(length) : ""
      client.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")
      client.close
      [request_line, headers, body]
    end
    yield server.addr[1]
    raise "the local server received nothing within 10 s" unless captured.join(10)

    captured.value
  ensure
    server&.close
  end

  def resign_as_sent(port, request_line, headers, body, time)
    method, target, = request_line.split(" ")
    plain = headers.reject { |n, _| n.match?(/\A(authorization|x-amz-date|x-amz-security-token)\z/i) }
    Sigv4.signing_headers(method: method, url: "http://127.0.0.1:#{port}#{target}", headers: plain,
                          body: body, time: time, **OPTIONS)
  end

  def test_post_is_signed_over_the_headers_and_body_net_http_puts_on_the_wire
    sent = nil
    request_line, headers, body = capture_one_request do |port|
      uri = URI("http://127.0.0.1:#{port}/trial/getinfo/1234?b=2&a=1")
      request = Net::HTTP::Post.new(uri)
      request["X-Custom"] = " a   b "
      request.add_field("X-Repeated", "one")
      request.add_field("X-Repeated", "two")
      sent = Sigv4.sign(request, body: "Action=Test&Value=%2F", time: Time.now, **OPTIONS)
      response = Net::HTTP.start(uri.host, uri.port, open_timeout: 5, read_timeout: 5) do |http|
        http.request(request)
      end
      assert_equal "200", response.code
    end

    wire = headers.to_h { |n, v| [n.downcase, v] }
    assert_equal sent["Authorization"], wire["authorization"], "the Authorization sent is the one returned"
    signed = signed_headers(sent["Authorization"]).split(";")
    signed.each do |name|
      assert wire.key?(name), "signed header #{name} must be on the wire; sent #{wire.keys}"
    end
    %w[host content-length content-type accept accept-encoding x-custom x-repeated].each do |name|
      assert_includes signed, name, "#{name} is sent by Net::HTTP, so it must be signed"
    end
    assert_equal "application/x-www-form-urlencoded", wire["content-type"],
                 "the default Content-Type Net::HTTP would add is set (and signed) by Sigv4.sign"
    assert_equal "one, two", wire["x-repeated"], "Net::HTTP joins repeated values with \", \""

    again = resign_as_sent(wire["host"][/\d+\z/], request_line, headers, body, wire["x-amz-date"])
    assert_equal sent["Authorization"], again["Authorization"],
                 "re-signing the captured request (#{request_line}, #{headers.map(&:first)}) must " \
                 "give the Authorization that was sent: Sigv4.sign signs exactly what goes out"
  end

  def test_get_from_a_path_with_uri_keyword_is_signed_as_sent
    sent = nil
    request_line, headers, body = capture_one_request do |port|
      request = Net::HTTP::Get.new("/a%20b/c?x=%E1%88%B4&y")
      sent = Sigv4.sign(request, uri: URI("http://127.0.0.1:#{port}/"), time: Time.now, **OPTIONS)
      Net::HTTP.start("127.0.0.1", port, open_timeout: 5, read_timeout: 5) { |http| http.request(request) }
    end
    assert_equal "GET /a%20b/c?x=%E1%88%B4&y HTTP/1.1", request_line
    wire = headers.to_h { |n, v| [n.downcase, v] }
    refute signed_headers(sent["Authorization"]).split(";").include?("content-length"),
           "a GET without a body gets no Content-Length from Net::HTTP, so none is signed"
    again = resign_as_sent(wire["host"][/\d+\z/], request_line, headers, body, wire["x-amz-date"])
    assert_equal sent["Authorization"], again["Authorization"]
  end
end
