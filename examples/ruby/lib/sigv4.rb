# frozen_string_literal: true

# Sigv4: AWS Signature Version 4 for Ruby's Net::HTTP, over libsigv4's C API
# (include/sigv4.h) through the ffi gem.
#
#   require "net/http"
#   require "sigv4"
#
#   uri = URI("https://api.example.com/trial/getinfo/1234?b=2&a=1")
#   request = Net::HTTP::Get.new(uri)          # keeps the URI: Sigv4 needs scheme and host
#   Sigv4.sign(request, credentials: Sigv4::Credentials.from_env,
#              region: "ap-northeast-1", service: "execute-api")
#   Net::HTTP.start(uri.host, uri.port, use_ssl: true) { |http| http.request(request) }
#
# What is signed is what Net::HTTP sends: every header on the request (names lower-cased by the
# library; repeated values joined with ", " as Net::HTTP writes them), after Sigv4.sign has filled
# in the headers Net::HTTP would add at send time (Host, and for a request with a body
# Content-Length and the default Content-Type). User-Agent, Connection and the other hop-by-hop
# headers are left out of the signature by libsigv4 itself. Add no header after signing, or add
# it unsigned knowing the server ignores it.
#
# The library is ENV["SIGV4_LIB"] when set (a path), else the system's libsigv4 (soname
# libsigv4.so.0). Errors are Sigv4::Error, carrying the status code, its name and libsigv4's
# detail message, which names the offending field ("request.headers[2] (\"x-a\"): ...").
require "ffi"
require "uri"
require "net/http"

module Sigv4
  # Status codes of include/sigv4.h (`SIGV4_OK`, `SIGV4_ERR_*`), by number.
  STATUS_NAMES = {
    0 => :ok,
    1 => :null_argument,
    2 => :invalid_utf8,
    3 => :invalid_method,
    4 => :invalid_url,
    5 => :invalid_header,
    6 => :invalid_credentials,
    7 => :invalid_scope,
    8 => :invalid_date,
    9 => :invalid_payload_hash,
    10 => :buffer_too_small,
    11 => :too_large,
    12 => :internal,
    13 => :invalid_flags,
  }.freeze

  STATUS_NAMES.each do |code, name|
    const_set(code.zero? ? :OK : :"ERR_#{name.upcase}", code)
  end

  # `SIGV4_FLAG_*` of include/sigv4.h.
  FLAG_NO_DOUBLE_ENCODE = 1
  FLAG_NO_PATH_NORMALIZE = 2
  FLAG_CONTENT_SHA256_HEADER = 4
  FLAG_UNSIGNED_SESSION_TOKEN = 8
  FLAG_S3 = 7

  # `SIGV4_PAYLOAD_HASH_SIZE`: 64 hex digits and a NUL.
  PAYLOAD_HASH_SIZE = 65
  # The token to pass as `payload_hash:` when the body is not signed.
  UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"

  # A failed libsigv4 call (or an input the C API cannot carry, such as a NUL byte inside a
  # string, reported with the code libsigv4 gives that field).
  class Error < StandardError
    # The `sigv4_status` number, e.g. 5.
    attr_reader :code
    # The status as a symbol, e.g. :invalid_header.
    attr_reader :name
    # libsigv4's detail message for the failed call, naming the field.
    attr_reader :detail

    def initialize(code, detail)
      @code = code
      @name = STATUS_NAMES.fetch(code, :unknown)
      @detail = detail.to_s.dup.force_encoding(Encoding::UTF_8)
      super(@detail.empty? ? Sigv4.strerror(code) : @detail)
    end

    # `sigv4_strerror(code)`: the static description of the status.
    def description
      Sigv4.strerror(code)
    end

    def inspect
      "#<#{self.class} #{name} (#{code}): #{message}>"
    end
  end

  # AWS credentials. `session_token` is nil for long-term keys. #inspect redacts the secret and
  # the token.
  Credentials = Struct.new(:access_key_id, :secret_access_key, :session_token, keyword_init: true) do
    # From AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and (optional) AWS_SESSION_TOKEN.
    def self.from_env(env = ENV)
      new(access_key_id: env.fetch("AWS_ACCESS_KEY_ID"),
          secret_access_key: env.fetch("AWS_SECRET_ACCESS_KEY"),
          session_token: env["AWS_SESSION_TOKEN"])
    end

    def inspect
      token = session_token.nil? ? "nil" : "** redacted **"
      "#<struct Sigv4::Credentials access_key_id=#{access_key_id.inspect}, " \
        "secret_access_key=** redacted **, session_token=#{token}>"
    end
    alias_method :to_s, :inspect
  end

  # The raw C API. Struct layouts copy include/sigv4.h field for field.
  module Native
    extend FFI::Library
    # ENV["SIGV4_LIB"] (a path) when set, else the installed library by name or soname.
    LIBRARY = ENV["SIGV4_LIB"].to_s.empty? ? %w[sigv4 libsigv4.so.0] : [ENV["SIGV4_LIB"]]
    begin
      ffi_lib LIBRARY
    rescue LoadError => e
      raise LoadError, "libsigv4 could not be loaded (tried #{LIBRARY.join(', ')}): install it " \
                       "(libsigv4.so.0 on the loader's path) or set SIGV4_LIB to a libsigv4.so; #{e.message}"
    end

    MAX_OUTPUT_HEADERS = 8

    # sigv4_header
    class Header < FFI::Struct
      layout :name, :pointer,
             :value, :pointer
    end

    # sigv4_request
    class Request < FFI::Struct
      layout :method, :pointer,
             :url, :pointer,
             :headers, :pointer,
             :header_count, :size_t,
             :body, :pointer,
             :body_len, :size_t,
             :payload_hash, :pointer
    end

    # sigv4_credentials
    class Credentials < FFI::Struct
      layout :access_key_id, :pointer,
             :secret_access_key, :pointer,
             :session_token, :pointer
    end

    # sigv4_params
    class Params < FFI::Struct
      layout :region, :pointer,
             :service, :pointer,
             :amz_date, :pointer,
             :flags, :uint32
    end

    # sigv4_output
    class Output < FFI::Struct
      layout :buf, :pointer,
             :buf_len, :size_t,
             :buf_used, :size_t,
             :headers, [Header, MAX_OUTPUT_HEADERS],
             :header_count, :size_t
    end

    attach_function :sigv4_sign, [Request.by_ref, Credentials.by_ref, Params.by_ref, Output.by_ref], :uint32
    attach_function :sigv4_signer_new, [Credentials.by_ref, Params.by_ref, :pointer], :uint32
    attach_function :sigv4_signer_sign, [:pointer, Request.by_ref, :pointer, Output.by_ref], :uint32
    attach_function :sigv4_signer_free, [:pointer], :void
    attach_function :sigv4_payload_hasher_new, [:pointer], :uint32
    attach_function :sigv4_payload_hasher_update, %i[pointer buffer_in size_t], :uint32
    attach_function :sigv4_payload_hasher_finish, %i[pointer pointer size_t], :uint32
    attach_function :sigv4_payload_hasher_free, [:pointer], :void
    attach_function :sigv4_strerror, [:uint32], :string
    attach_function :sigv4_last_error_message, [], :string
    attach_function :sigv4_version, [], :string
  end

  # Bytes of output buffer tried first; a larger need is met by one retry at the exact size.
  INITIAL_BUFFER = 4096

  module_function

  # libsigv4's version, e.g. "0.1.0".
  def library_version
    Native.sigv4_version
  end

  # `sigv4_strerror`: static text for any status number.
  def strerror(code)
    Native.sigv4_strerror(Integer(code) & 0xFFFF_FFFF).dup.force_encoding(Encoding::UTF_8)
  end

  # Signs a Net::HTTP request in place and returns the headers it added (an ordered Hash:
  # X-Amz-Date, [X-Amz-Security-Token], [X-Amz-Content-Sha256], Authorization).
  #
  # - request: a Net::HTTPGenericRequest. Built from a URI (Net::HTTP::Get.new(uri)) it knows
  #   its scheme and host; built from a path, pass `uri:` (only its scheme, host and port are
  #   used; the path and query are the request's, as sent).
  # - body: the body to send (a String; stored as request.body, so call http.request(request)
  #   without a body). nil: request.body, or "" where Net::HTTP would send an empty body.
  #   A request.body_stream needs `payload_hash:` (see PayloadHasher) and a Content-Length.
  # - credentials: a Sigv4::Credentials or a Hash with the same keys.
  # - region, service: the scope, e.g. "ap-northeast-1", "execute-api".
  # - time: nil (now), a Time, or "YYYYMMDDTHHMMSSZ".
  # - payload_hash: nil (SHA-256 of the body), 64 hex digits, or UNSIGNED_PAYLOAD / a
  #   STREAMING-... token.
  # - s3:, content_sha256:, unsigned_session_token:, no_double_encode:, no_path_normalize:
  #   the SIGV4_FLAG_* bits; flags: raw bits OR-ed in.
  def sign(request, credentials:, region:, service:, body: nil, uri: nil, time: nil,
           payload_hash: nil, **flags)
    url, headers, body = Internal.prepare(request, body, uri, payload_hash)
    added = signing_headers(method: request.method, url: url, headers: headers, body: body,
                            payload_hash: payload_hash, credentials: credentials,
                            region: region, service: service, time: time, **flags)
    added.each { |name, value| request[name] = value }
    added
  end

  # Signs a request described by plain values and returns the headers to add, for any HTTP
  # client. `url` is the absolute URL exactly as sent (percent-encoded); `headers` are the
  # headers that will be sent, a Hash or an Array of [name, value] pairs (repeat a name for
  # repeated headers). Other arguments as for #sign.
  def signing_headers(method:, url:, credentials:, region:, service:, headers: {}, body: nil,
                      payload_hash: nil, time: nil, **flags)
    bits = Internal.flag_bits(**flags)
    Internal.with_credentials(credentials) do |creds|
      params = Native::Params.new
      keep = []
      params[:region] = Internal.cstr(region, "params.region", ERR_INVALID_SCOPE, keep)
      params[:service] = Internal.cstr(service, "params.service", ERR_INVALID_SCOPE, keep)
      params[:amz_date] = Internal.cstr(Internal.amz_date(time), "params.amz_date", ERR_INVALID_DATE, keep)
      params[:flags] = bits
      Internal.with_request(method, url, headers, body, payload_hash) do |req|
        Internal.call_with_output { |out| Native.sigv4_sign(req, creds, params, out) }
      end
    end
  end

  # Conversions between Ruby values and the C structs, shared by Sigv4 and Signer. Not part
  # of the API.
  module Internal
    module_function

    # Returns [url, headers, body] for `request`, after adding to it the headers Net::HTTP adds
    # when it sends (so they are signed as sent).
    def prepare(request, body, uri, payload_hash)
      unless request.is_a?(Net::HTTPGenericRequest)
        raise ArgumentError, "request must be a Net::HTTPGenericRequest, not #{request.class}"
      end

      uri = URI(uri) if uri.is_a?(String)
      uri ||= request.uri
      unless uri.is_a?(URI::HTTP) && uri.host
        raise ArgumentError, "the request was built from a path: pass uri: (scheme and host) " \
                             "or build it with Net::HTTP::Get.new(URI(...))"
      end

      if body
        if request.body || request.body_stream
          raise ArgumentError, "both body: and request.body (or body_stream) are set"
        end

        request.body = body
      end
      authority = uri.port == uri.default_port ? uri.host : "#{uri.host}:#{uri.port}"
      # Net::HTTP#begin_transport: req['host'] ||= addr_port
      request["Host"] ||= authority

      if request.body_stream
        if payload_hash.nil?
          raise ArgumentError, "request.body_stream is not read by Sigv4: pass payload_hash: " \
                               "(Sigv4::PayloadHasher over the same bytes, or Sigv4::UNSIGNED_PAYLOAD)"
        end
        unless request.content_length || request.chunked?
          raise ArgumentError, "a body_stream needs Content-Length (or Transfer-Encoding: chunked)"
        end

        default_content_type(request)
        signed_body = nil
      elsif request.body || request.request_body_permitted?
        # Net::HTTP#request -> set_body_internal, send_request_with_body.
        request.body ||= +""
        request.content_length = request.body.bytesize
        request.delete("Transfer-Encoding")
        default_content_type(request)
        signed_body = request.body
      end

      url = "#{uri.scheme}://#{authority}#{request.path}"
      [url, request.each_header.to_a, signed_body]
    end

    # Net::HTTPGenericRequest#supply_default_content_type, done before signing.
    def default_content_type(request)
      request.content_type = "application/x-www-form-urlencoded" unless request.content_type
    end

    def flag_bits(s3: false, content_sha256: false, unsigned_session_token: false,
                  no_double_encode: false, no_path_normalize: false, flags: 0)
      bits = Integer(flags)
      bits |= FLAG_S3 if s3
      bits |= FLAG_CONTENT_SHA256_HEADER if content_sha256
      bits |= FLAG_UNSIGNED_SESSION_TOKEN if unsigned_session_token
      bits |= FLAG_NO_DOUBLE_ENCODE if no_double_encode
      bits |= FLAG_NO_PATH_NORMALIZE if no_path_normalize
      bits
    end

    def amz_date(time)
      case time
      when nil, String then time
      when Time then time.getutc.strftime("%Y%m%dT%H%M%SZ")
      else raise ArgumentError, "time: must be nil, a Time or \"YYYYMMDDTHHMMSSZ\", not #{time.class}"
      end
    end

    # A NUL-terminated copy of `value` (nil stays NULL), kept alive in `keep`. A NUL inside the
    # string would cut it short in C, so it is refused with `code`, naming `field`.
    def cstr(value, field, code, keep)
      return nil if value.nil?

      value = value.to_s
      if (at = value.b.index("\0"))
        raise Error.new(code, "#{field}: contains a NUL byte at offset #{at}")
      end

      ptr = FFI::MemoryPointer.from_string(value)
      keep << ptr
      ptr
    end

    # Yields a Native::Credentials for the call, then wipes the copies of the secret and token.
    def with_credentials(credentials)
      credentials = Credentials.new(**credentials) if credentials.is_a?(Hash)
      unless credentials.respond_to?(:access_key_id) && credentials.respond_to?(:secret_access_key)
        raise ArgumentError, "credentials: must be a Sigv4::Credentials or a Hash with " \
                             "access_key_id, secret_access_key and session_token"
      end

      keep = []
      creds = Native::Credentials.new
      begin
        creds[:access_key_id] =
          cstr(credentials.access_key_id, "credentials.access_key_id", ERR_INVALID_CREDENTIALS, keep)
        creds[:secret_access_key] =
          cstr(credentials.secret_access_key, "credentials.secret_access_key", ERR_INVALID_CREDENTIALS, keep)
        token = credentials.respond_to?(:session_token) ? credentials.session_token : nil
        creds[:session_token] = cstr(token, "credentials.session_token", ERR_INVALID_CREDENTIALS, keep)
        yield creds
      ensure
        keep.each(&:clear)
      end
    end

    # Yields a Native::Request whose strings, header array and body stay alive for the block.
    def with_request(method, url, headers, body, payload_hash)
      keep = []
      pairs = headers.to_a
      req = Native::Request.new
      req[:method] = cstr(method, "request.method", ERR_INVALID_METHOD, keep)
      req[:url] = cstr(url, "request.url", ERR_INVALID_URL, keep)
      unless pairs.empty?
        array = FFI::MemoryPointer.new(Native::Header, pairs.size)
        keep << array
        pairs.each_with_index do |(name, value), i|
          header = Native::Header.new(array + (i * Native::Header.size))
          field = "request.headers[#{i}] (#{name.to_s.inspect})"
          header[:name] = cstr(name, "#{field} name", ERR_INVALID_HEADER, keep)
          header[:value] = cstr(value, "#{field} value", ERR_INVALID_HEADER, keep)
        end
        req[:headers] = array
      end
      req[:header_count] = pairs.size
      if body && !body.empty?
        bytes = FFI::MemoryPointer.new(:uint8, body.bytesize)
        bytes.put_bytes(0, body)
        keep << bytes
        req[:body] = bytes
        req[:body_len] = body.bytesize
      end
      req[:payload_hash] = cstr(payload_hash, "request.payload_hash", ERR_INVALID_PAYLOAD_HASH, keep)
      yield req
    end

    # Runs `yield out` with a 4 KiB buffer, once more at the exact size if that was too small,
    # and returns the output headers as a Hash. The detail message is read right after the
    # failing call, on the same (native) thread.
    def call_with_output
      size = INITIAL_BUFFER
      2.times do
        buf = FFI::MemoryPointer.new(:char, size)
        out = Native::Output.new
        out[:buf] = buf
        out[:buf_len] = size
        status = yield out
        if status == OK
          return Array.new(out[:header_count]) do |i|
            header = out[:headers][i]
            [header[:name].read_string.force_encoding(Encoding::UTF_8),
             header[:value].read_string.force_encoding(Encoding::UTF_8)]
          end.to_h
        end
        raise Error.new(status, Native.sigv4_last_error_message) unless status == ERR_BUFFER_TOO_SMALL

        size = out[:buf_used]
      end
      raise Error.new(ERR_BUFFER_TOO_SMALL, "out.buf_len: still too small at #{size} bytes")
    end

    # Raises Sigv4::Error for a failed status.
    def check(status)
      raise Error.new(status, Native.sigv4_last_error_message) unless status == OK
    end
  end

  # A signer bound to one set of credentials, region, service and flags (sigv4_signer): it
  # copies the credentials once and caches the derived signing key per date, so a signature
  # costs one SHA-256 of the canonical request and one HMAC instead of five. Any number of
  # threads may sign with one signer; #close it (or let the GC free it, which wipes the
  # library's copy of the keys) only once no thread is signing with it.
  class Signer
    def initialize(credentials:, region:, service:, **flags)
      bits = Internal.flag_bits(**flags)
      Internal.with_credentials(credentials) do |creds|
        keep = []
        params = Native::Params.new
        params[:region] = Internal.cstr(region, "params.region", ERR_INVALID_SCOPE, keep)
        params[:service] = Internal.cstr(service, "params.service", ERR_INVALID_SCOPE, keep)
        params[:flags] = bits
        out = FFI::MemoryPointer.new(:pointer)
        Internal.check(Native.sigv4_signer_new(creds, params, out))
        @handle = FFI::AutoPointer.new(out.read_pointer, Native.method(:sigv4_signer_free))
      end
    end

    # As Sigv4.sign, with this signer's credentials, scope and flags.
    def sign(request, body: nil, uri: nil, time: nil, payload_hash: nil)
      url, headers, body = Internal.prepare(request, body, uri, payload_hash)
      added = signing_headers(method: request.method, url: url, headers: headers, body: body,
                              payload_hash: payload_hash, time: time)
      added.each { |name, value| request[name] = value }
      added
    end

    # As Sigv4.signing_headers, with this signer's credentials, scope and flags.
    def signing_headers(method:, url:, headers: {}, body: nil, payload_hash: nil, time: nil)
      keep = []
      date = Internal.cstr(Internal.amz_date(time), "amz_date", ERR_INVALID_DATE, keep)
      Internal.with_request(method, url, headers, body, payload_hash) do |req|
        # A closed signer passes NULL: libsigv4 answers ERR_NULL_ARGUMENT naming `signer`.
        handle = @handle || FFI::Pointer::NULL
        Internal.call_with_output do |out|
          Native.sigv4_signer_sign(handle, req, date, out)
        end
      end
    end

    # Frees the signer now (idempotent); later calls raise Sigv4::Error (:null_argument).
    def close
      handle = @handle
      @handle = nil
      handle&.free
      nil
    end

    def closed?
      @handle.nil?
    end

    def inspect
      "#<#{self.class} #{closed? ? 'closed' : 'open'}>"
    end
  end

  # Incremental SHA-256 of a body that is not in memory (sigv4_payload_hasher): feed it with
  # #update / #<<, then pass #hexdigest as `payload_hash:`. #hexdigest finishes and starts the
  # hasher over (like Digest's hexdigest!). Not thread-safe; #close (or the GC) frees it.
  class PayloadHasher
    def initialize
      out = FFI::MemoryPointer.new(:pointer)
      Internal.check(Native.sigv4_payload_hasher_new(out))
      @handle = FFI::AutoPointer.new(out.read_pointer, Native.method(:sigv4_payload_hasher_free))
    end

    # The hex SHA-256 of everything `io` yields, read in 64 KiB chunks (a File, a pipe...).
    def self.hexdigest_io(io, chunk: 64 * 1024)
      hasher = new
      buffer = +""
      hasher.update(buffer) while io.read(chunk, buffer)
      hasher.hexdigest
    ensure
      hasher&.close
    end

    # Adds the next bytes of the body; returns self.
    def update(data)
      data = data.to_s
      Internal.check(Native.sigv4_payload_hasher_update(handle, data, data.bytesize))
      self
    end
    alias << update

    # The SHA-256 of the bytes fed so far, as 64 lower-case hex digits; the hasher starts over.
    def hexdigest
      out = FFI::MemoryPointer.new(:char, PAYLOAD_HASH_SIZE)
      Internal.check(Native.sigv4_payload_hasher_finish(handle, out, PAYLOAD_HASH_SIZE))
      out.read_string
    end
    alias hexdigest! hexdigest

    # Frees the hasher now (idempotent); later calls raise Sigv4::Error (:null_argument).
    def close
      handle = @handle
      @handle = nil
      handle&.free
      nil
    end

    def closed?
      @handle.nil?
    end

    def inspect
      "#<#{self.class} #{closed? ? 'closed' : 'open'}>"
    end

    private

    def handle
      @handle || FFI::Pointer::NULL
    end
  end
end
