package server

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// ParseTrustedProxies reads the -trusted-proxy setting: a comma-separated
// list of IP addresses (192.0.2.10, 2001:db8::1) and networks in CIDR
// notation (10.0.0.0/8). An address stands for its own /32 or /128. Spaces
// around the entries are ignored and an empty list trusts no proxy. An
// entry that is neither an address nor a network is refused with its text.
func ParseTrustedProxies(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	if strings.TrimSpace(list) == "" {
		return nil, nil
	}
	for entry := range strings.SplitSeq(list, ",") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			return nil, fmt.Errorf("trusted proxies %q: an entry is empty; give IP addresses or networks (10.0.0.0/8) separated by commas", list)
		}
		if strings.Contains(entry, "/") {
			p, err := netip.ParsePrefix(entry)
			if err != nil {
				return nil, fmt.Errorf("trusted proxy %q is not a network in CIDR notation, such as 10.0.0.0/8", entry)
			}
			out = append(out, netip.PrefixFrom(p.Addr().Unmap(), unmappedBits(p)).Masked())
			continue
		}
		a, err := netip.ParseAddr(entry)
		if err != nil || a.Zone() != "" {
			return nil, fmt.Errorf("trusted proxy %q is not an IP address, such as 192.0.2.10 or 2001:db8::1", entry)
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

// unmappedBits returns the length of p once its address is unmapped: an
// IPv4-mapped IPv6 network (::ffff:10.0.0.0/104) is the IPv4 network
// 10.0.0.0/8.
func unmappedBits(p netip.Prefix) int {
	if p.Addr().Is4In6() {
		return max(0, p.Bits()-96)
	}
	return p.Bits()
}

// trusted reports whether a is one of the server's trusted proxies.
func (s *Server) trusted(a netip.Addr) bool {
	for _, p := range s.trustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// clientAddress returns the IP address of the client of r: the one the
// login throttle counts, the live channel's per-address limit bounds, and
// the logs and the audit log record.
//
// It is the direct peer, unless the peer is a trusted proxy
// (Config.TrustedProxies). Then it is the rightmost entry of
// X-Forwarded-For that is not itself a trusted proxy: each proxy appends
// the address it received the request from, so walking from the right
// over trusted proxies reaches the first address a trusted proxy vouched
// for; whatever lies further left was written by the client and is never
// read. When the header is missing, or lists only trusted proxies, the
// client is the leftmost trusted proxy reached. A client-sent header from
// an untrusted peer chooses nothing.
func (s *Server) clientAddress(r *http.Request) string {
	peer, ok := remoteIP(r.RemoteAddr)
	if !ok {
		return r.RemoteAddr
	}
	if !s.trusted(peer) {
		return peer.String()
	}
	client := peer
	forwarded := r.Header.Values("X-Forwarded-For")
	for i := len(forwarded) - 1; i >= 0; i-- {
		entries := strings.Split(forwarded[i], ",")
		for j := len(entries) - 1; j >= 0; j-- {
			a, ok := forwardedIP(entries[j])
			if !ok {
				// A trusted proxy wrote nothing that is not an address:
				// the last address it vouched for is the client.
				return client.String()
			}
			client = a
			if !s.trusted(a) {
				return a.String()
			}
		}
	}
	return client.String()
}

// remoteIP returns the address of a RemoteAddr, host and port.
func remoteIP(remote string) (netip.Addr, bool) {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		host = remote
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}, false
	}
	return a.Unmap().WithZone(""), true
}

// forwardedIP reads one entry of X-Forwarded-For: an address, possibly
// with a port (192.0.2.1:4711, [2001:db8::1]:4711), as some proxies write.
func forwardedIP(entry string) (netip.Addr, bool) {
	entry = strings.TrimSpace(entry)
	if a, err := netip.ParseAddr(entry); err == nil {
		return a.Unmap().WithZone(""), true
	}
	if ap, err := netip.ParseAddrPort(entry); err == nil {
		return ap.Addr().Unmap().WithZone(""), true
	}
	return netip.Addr{}, false
}
