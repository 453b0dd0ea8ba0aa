#include "service/listen_address.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <string>

#include "absl/strings/match.h"

namespace w2w::service {
namespace {

constexpr unsigned char kIpv4LoopbackFirstOctet = 127;  // 127.0.0.0/8.

bool IsIpv4Loopback(const std::string& host) {
  in_addr ip{};
  if (inet_pton(AF_INET, host.c_str(), &ip) != 1) return false;
  return reinterpret_cast<const unsigned char*>(&ip.s_addr)[0] == kIpv4LoopbackFirstOctet;
}

bool IsIpv6Loopback(const std::string& host) {
  in6_addr ip{};
  if (inet_pton(AF_INET6, host.c_str(), &ip) != 1) return false;
  if (IN6_IS_ADDR_LOOPBACK(&ip)) return true;
  // ::ffff:127.x.y.z, an IPv4 loopback address written as IPv6.
  return IN6_IS_ADDR_V4MAPPED(&ip) && ip.s6_addr[12] == kIpv4LoopbackFirstOctet;
}

}  // namespace

bool IsLoopbackAddress(absl::string_view address) {
  const size_t colon = address.rfind(':');
  if (colon == absl::string_view::npos) return false;
  const absl::string_view host = address.substr(0, colon);
  if (absl::EqualsIgnoreCase(host, "localhost")) return true;
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    return IsIpv6Loopback(std::string(host.substr(1, host.size() - 2)));
  }
  return IsIpv4Loopback(std::string(host));
}

}  // namespace w2w::service
