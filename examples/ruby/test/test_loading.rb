# frozen_string_literal: true

# Where the library comes from: SIGV4_LIB when set, else the installed libsigv4 by soname.
require_relative "helper"
require "open3"
require "rbconfig"
require "tmpdir"
require "fileutils"

class TestLoading < Minitest::Test
  LIB_DIR = File.expand_path("../lib", __dir__)

  def ruby(env, code)
    Open3.capture3(env, RbConfig.ruby, "-I", LIB_DIR, "-e", code)
  end

  def test_without_sigv4_lib_the_installed_soname_is_loaded_from_the_loader_path
    built = ENV["SIGV4_LIB"]
    skip "SIGV4_LIB is not set, so there is no built library to install in a temp dir" unless built

    Dir.mktmpdir do |dir|
      FileUtils.cp(built, File.join(dir, "libsigv4.so.0"))
      out, err, status = ruby({ "SIGV4_LIB" => nil, "LD_LIBRARY_PATH" => dir },
                              'require "sigv4"; print Sigv4.library_version')
      assert status.success?, "loading libsigv4.so.0 from LD_LIBRARY_PATH failed: #{err}"
      assert_equal Sigv4.library_version, out
    end
  end

  def test_missing_library_is_a_load_error_saying_how_to_fix_it
    _out, err, status = ruby({ "SIGV4_LIB" => "/nonexistent/libsigv4.so" }, 'require "sigv4"')
    refute status.success?
    assert_includes err, "SIGV4_LIB"
    assert_includes err, "LoadError"
  end
end
