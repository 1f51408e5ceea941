package server

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"testing"

	"tawla/demo"
)

// TestClientAddress checks which address clientAddress gives a request:
// the peer's, whatever X-Forwarded-For says, unless the peer is a trusted
// proxy; then the rightmost forwarded entry that is not a trusted proxy.
func TestClientAddress(t *testing.T) {
	trusted, err := ParseTrustedProxies("10.0.0.0/8, 192.0.2.1, 2001:db8::/32")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		trusted   []netip.Prefix
		remote    string
		forwarded []string
		want      string
	}{
		{"NoProxyTrusted", nil, "203.0.113.5:4000", []string{"198.51.100.9"}, "203.0.113.5"},
		{"SpoofedFromUntrustedPeer", trusted, "203.0.113.5:4000", []string{"198.51.100.9"}, "203.0.113.5"},
		{"TrustedPeerNoHeader", trusted, "10.1.2.3:4000", nil, "10.1.2.3"},
		{"TrustedPeer", trusted, "10.1.2.3:4000", []string{"198.51.100.9"}, "198.51.100.9"},
		{"ClientWroteTheLeftPart", trusted, "10.1.2.3:4000", []string{"6.6.6.6, 198.51.100.9"}, "198.51.100.9"},
		{"ChainOfTrustedProxies", trusted, "10.1.2.3:4000", []string{"6.6.6.6, 198.51.100.9, 192.0.2.1, 10.9.9.9"}, "198.51.100.9"},
		{"SeveralHeaderLines", trusted, "10.1.2.3:4000", []string{"6.6.6.6, 198.51.100.9", "192.0.2.1"}, "198.51.100.9"},
		{"OnlyTrustedProxies", trusted, "10.1.2.3:4000", []string{"10.5.5.5, 192.0.2.1"}, "10.5.5.5"},
		{"Garbage", trusted, "10.1.2.3:4000", []string{"6.6.6.6, not-an-address, 192.0.2.1"}, "192.0.2.1"},
		{"EntryWithPort", trusted, "10.1.2.3:4000", []string{"198.51.100.9:5555"}, "198.51.100.9"},
		{"IPv6", trusted, "[2001:db8::7]:4000", []string{"2a01:e0a::1"}, "2a01:e0a::1"},
		{"MappedPeer", trusted, "[::ffff:10.1.2.3]:4000", []string{"198.51.100.9"}, "198.51.100.9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &Server{trustedProxies: tt.trusted}
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.RemoteAddr = tt.remote
			for _, v := range tt.forwarded {
				r.Header.Add("X-Forwarded-For", v)
			}
			if got := s.clientAddress(r); got != tt.want {
				t.Errorf("clientAddress = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestParseTrustedProxies checks the setting's reading: addresses and
// networks, and a clear refusal of anything else.
func TestParseTrustedProxies(t *testing.T) {
	got, err := ParseTrustedProxies(" 10.0.0.0/8 ,192.0.2.1, ::ffff:172.16.0.0/108, 2001:db8::1")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"10.0.0.0/8", "192.0.2.1/32", "172.16.0.0/12", "2001:db8::1/128"}
	if len(got) != len(want) {
		t.Fatalf("ParseTrustedProxies = %v, want %v", got, want)
	}
	for i := range want {
		if got[i].String() != want[i] {
			t.Errorf("entry %d = %s, want %s", i, got[i], want[i])
		}
	}
	if got, err := ParseTrustedProxies("  "); err != nil || len(got) != 0 {
		t.Errorf("empty setting: %v, %v; want no proxy", got, err)
	}
	for _, bad := range []string{"10.0.0.0/33", "proxy.example.tn", "10.0.0.1,", "10.0.0.1,,10.0.0.2", "300.1.1.1", "fe80::1%eth0"} {
		if _, err := ParseTrustedProxies(bad); err == nil {
			t.Errorf("ParseTrustedProxies(%q) accepted", bad)
		} else if !strings.Contains(err.Error(), "trusted prox") {
			t.Errorf("ParseTrustedProxies(%q): %v, want a message about trusted proxies", bad, err)
		}
	}
}

// TestLoginThrottleBehindProxy checks the throttle over real connections:
// from an untrusted peer, a forged X-Forwarded-For changes nothing, so
// varying it does not escape the per-address limit; behind a trusted
// proxy, each forwarded client has its own limit, so one attacker does
// not lock everyone out.
func TestLoginThrottleBehindProxy(t *testing.T) {
	guess := func(t *testing.T, c *client, forwarded string, i int) int {
		t.Helper()
		c.header.Set("X-Forwarded-For", forwarded)
		resp := c.login(t, "nobody"+strings.Repeat("x", i)+"@example.tn", "a guess")
		return resp.StatusCode
	}

	t.Run("SpoofedHeaderIgnored", func(t *testing.T) {
		ts := newTestServerWith(t, func(cfg *Config) {
			cfg.TrustedProxies, _ = ParseTrustedProxies("127.0.9.9")
		})
		c := ts.newClientFrom(t, "127.0.3.1")
		for i := range throttlePerAddress {
			if got := guess(t, c, "198.51.100."+string(rune('0'+i%10)), i); got != http.StatusUnauthorized {
				t.Fatalf("guess %d: status %d, want 401", i, got)
			}
		}
		if got := guess(t, c, "203.0.113.77", throttlePerAddress); got != http.StatusTooManyRequests {
			t.Errorf("guess with a new forged address past the limit: status %d, want 429", got)
		}
	})

	t.Run("TrustedProxy", func(t *testing.T) {
		ts := newTestServerWith(t, func(cfg *Config) {
			cfg.TrustedProxies, _ = ParseTrustedProxies("127.0.4.0/24")
		})
		proxy := ts.newClientFrom(t, "127.0.4.1")
		for i := range throttlePerAddress {
			// The attacker forges a left part; the proxy appends the
			// attacker's real address.
			if got := guess(t, proxy, "1.1.1."+string(rune('0'+i%10))+", 198.51.100.66", i); got != http.StatusUnauthorized {
				t.Fatalf("guess %d: status %d, want 401", i, got)
			}
		}
		if got := guess(t, proxy, "9.9.9.9, 198.51.100.66", throttlePerAddress); got != http.StatusTooManyRequests {
			t.Errorf("the attacker past the limit: status %d, want 429", got)
		}
		// Someone else behind the same proxy logs in.
		proxy.header.Set("X-Forwarded-For", "198.51.100.67")
		resp := proxy.postForm(t, "/login", url.Values{"email": {demo.MemberEmail}, "password": {demo.Password}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Errorf("another client behind the proxy: status %d, want 303", resp.StatusCode)
		}
	})
}
