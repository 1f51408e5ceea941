package server

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"tawla/demo"
)

// TestPageTimeZone records an audit entry at a known instant and checks
// that the audit log shows it in the configured time zone, while the
// machine-readable datetime stays in UTC.
func TestPageTimeZone(t *testing.T) {
	// 20:09 UTC on a December evening: 21:09 in Tunis (UTC+1 all year),
	// 15:09 in New York (EST, UTC-5).
	// The clock runs on from there, so the entry is a few milliseconds
	// later: still the same minute.
	instant := time.Date(2026, 12, 6, 20, 9, 0, 0, time.UTC)
	tests := []struct {
		name     string
		timeZone string
		want     string
	}{
		{"Default", "", "2026-12-06 21:09"},
		{"Tunis", "Africa/Tunis", "2026-12-06 21:09"},
		{"NewYork", "America/New_York", "2026-12-06 15:09"},
		{"UTC", "UTC", "2026-12-06 20:09 UTC"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTestServerWith(t, func(cfg *Config) { cfg.TimeZone = tt.timeZone })
			admin := ts.loginAs(t, demo.AdminEmail)
			ts.clock.Set(instant)
			form := url.Values{"name_fr": {"Commissariat régional au développement agricole"}, "college": {"state"}}
			wantStatus(t, "create organisation", admin.postForm(t, "/admin/organisations", form), http.StatusSeeOther)

			resp := admin.get(t, "/admin/audit?action=organisation.create&lang=fr")
			wantStatus(t, "audit log", resp, http.StatusOK)
			want := regexp.MustCompile(`<time datetime="2026-12-06T20:09:\d\dZ">` + tt.want + `</time>`)
			if !want.MatchString(resp.Body) {
				t.Errorf("the audit log has no entry shown as %s", want)
			}
		})
	}
}

func TestTimeZoneRefused(t *testing.T) {
	for _, name := range []string{"Mars/Olympus_Mons", "Africa/Tunis ", "../../etc/passwd"} {
		_, err := New(Config{TimeZone: name}, nil)
		if err == nil {
			t.Errorf("New accepted the time zone %q", name)
			continue
		}
		if !strings.Contains(err.Error(), "time zone") || !strings.Contains(err.Error(), "Africa/Tunis") {
			t.Errorf("New(%q): error %q does not say what is wrong and what to write", name, err)
		}
	}
}

func TestFormatDate(t *testing.T) {
	tunis, err := time.LoadLocation("Africa/Tunis")
	if err != nil {
		t.Fatal(err)
	}
	instant := time.Date(2026, 7, 14, 23, 30, 0, 0, time.UTC)
	tests := []struct {
		name string
		t    time.Time
		loc  *time.Location
		want string
	}{
		{"Zero", time.Time{}, tunis, ""},
		{"NextDayInTunis", instant, tunis, "2026-07-15 00:30"},
		{"UTCIsNamed", instant, time.UTC, "2026-07-14 23:30 UTC"},
		{"InstantInAnotherZone", instant.In(time.FixedZone("X", -3*3600)), tunis, "2026-07-15 00:30"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := formatDate(tt.t, tt.loc); got != tt.want {
				t.Errorf("formatDate(%v, %v) = %q, want %q", tt.t, tt.loc, got, tt.want)
			}
		})
	}
}

// TestFormatZonedDate: the public register's times carry their offset
// from UTC, which follows the zone's rules at that instant.
func TestFormatZonedDate(t *testing.T) {
	tunis, err := time.LoadLocation("Africa/Tunis")
	if err != nil {
		t.Fatal(err)
	}
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		t    time.Time
		loc  *time.Location
		want string
	}{
		{time.Time{}, tunis, ""},
		{time.Date(2026, 7, 14, 23, 30, 0, 0, time.UTC), tunis, "2026-07-15 00:30 UTC+01:00"},
		{time.Date(2026, 7, 14, 23, 30, 0, 0, time.UTC), paris, "2026-07-15 01:30 UTC+02:00"},
		{time.Date(2026, 1, 14, 23, 30, 0, 0, time.UTC), paris, "2026-01-15 00:30 UTC+01:00"},
		{time.Date(2026, 7, 14, 23, 30, 0, 0, time.UTC), time.UTC, "2026-07-14 23:30 UTC"},
	} {
		if got := formatZonedDate(tt.t, tt.loc); got != tt.want {
			t.Errorf("formatZonedDate(%v, %v) = %q, want %q", tt.t, tt.loc, got, tt.want)
		}
	}
}
