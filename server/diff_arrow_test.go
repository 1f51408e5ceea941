package server

import (
	"regexp"
	"testing"

	"tawla/demo"
)

// TestDiffHeadingArrowFollowsTheReadingDirection checks that the arrow
// between the two sides of a diff's heading points from the older side
// to the newer one in the page's reading direction: → in French and
// English, ← in Arabic, read from right to left.
func TestDiffHeadingArrowFollowsTheReadingDirection(t *testing.T) {
	ts := newTestServer(t)
	proc := ts.createTestProcedure(t, "fr", "# Délais\n\nTrois jours.\n")
	member := ts.loginAs(t, demo.MemberEmail)
	member.freeze(t, proc, "Première")
	heading := regexp.MustCompile(`(?s)<h2 id="diff-summary-heading">(.*?)</h2>`)
	for lang, want := range map[string]string{"fr": "→", "en": "→", "ar": "←"} {
		resp := member.get(t, procedurePath(proc.ID)+"/diff?from=1&to=draft&lang="+lang)
		m := heading.FindStringSubmatch(resp.Body)
		if m == nil {
			t.Fatalf("%s: no diff heading", lang)
		}
		other := map[string]string{"→": "←", "←": "→"}[want]
		if !regexp.MustCompile(regexp.QuoteMeta(want)).MatchString(m[1]) || regexp.MustCompile(regexp.QuoteMeta(other)).MatchString(m[1]) {
			t.Errorf("%s: heading %q, want the arrow %s", lang, m[1], want)
		}
	}
}
