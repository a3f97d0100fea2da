#include "server/tls_context.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/stat.h>

namespace debriefd {
namespace ssl = boost::asio::ssl;

FileStamp StampOf(const std::string& path) {
  struct stat st {};
  if (path.empty() || ::stat(path.c_str(), &st) != 0) return {};
  return FileStamp{st.st_ino, st.st_size, st.st_mtim, st.st_ctim};
}

std::string OpenSslError() {
  unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return "unknown error";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  return buf;
}

// The ssl::context for a tls_server_config; every error names the file.
Result<std::shared_ptr<ssl::context>> MakeTlsContext(const TlsServerConfig& tls, const std::string& web_config) {
  auto fail = [&](const std::string& field, const std::string& reason) {
    return Status::InvalidArgument("tls_server_config." + field, reason).WithSource(web_config);
  };
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  ERR_clear_error();
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                   ssl::context::single_dh_use);
  SSL_CTX* native = ctx->native_handle();
  if (SSL_CTX_set_min_proto_version(native, static_cast<int>(tls.min_version)) != 1) {
    return fail("min_version", "not supported by this OpenSSL: " + OpenSslError());
  }
  if (tls.max_version && SSL_CTX_set_max_proto_version(native, static_cast<int>(*tls.max_version)) != 1) {
    return fail("max_version", "not supported by this OpenSSL: " + OpenSslError());
  }
  boost::system::error_code ec;
  ctx->use_certificate_chain_file(tls.cert_file, ec);
  if (ec) return fail("cert_file", "cannot load " + tls.cert_file + ": " + ec.message());
  ctx->use_private_key_file(tls.key_file, ssl::context::pem, ec);
  if (ec) return fail("key_file", "cannot load " + tls.key_file + ": " + ec.message());
  if (SSL_CTX_check_private_key(native) != 1) {
    return fail("key_file", tls.key_file + " does not match the certificate in " + tls.cert_file);
  }
  if (!tls.client_ca_file.empty()) {
    ctx->load_verify_file(tls.client_ca_file, ec);
    if (ec) return fail("client_ca_file", "cannot load " + tls.client_ca_file + ": " + ec.message());
    // The CA names the server sends with its certificate request, so that
    // clients with several certificates pick the right one.
    if (STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(tls.client_ca_file.c_str())) {
      SSL_CTX_set_client_CA_list(native, names);
    }
  }
  auto accept_any = [](bool, ssl::verify_context&) { return true; };
  switch (tls.client_auth) {
    case ClientAuth::kNoClientCert:
      ctx->set_verify_mode(ssl::verify_none);
      break;
    case ClientAuth::kRequestClientCert:
      ctx->set_verify_mode(ssl::verify_peer);
      ctx->set_verify_callback(accept_any);
      break;
    case ClientAuth::kRequireAnyClientCert:
      ctx->set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
      ctx->set_verify_callback(accept_any);
      break;
    case ClientAuth::kVerifyClientCertIfGiven:
      ctx->set_verify_mode(ssl::verify_peer);
      break;
    case ClientAuth::kRequireAndVerifyClientCert:
      ctx->set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
      break;
  }
  return ctx;
}

}  // namespace debriefd
