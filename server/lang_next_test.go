package server

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"tawla/demo"
)

// TestSwitcherAfterAPostLeadsToTheFormsPage: a page a form's post brings
// back (here a consultation form refused) has a language switcher that
// leads back to the page the form was on, as this site's Referer names
// it — not to the post's address, which takes no GET — and to the home
// page when the Referer is missing or names another site.
func TestSwitcherAfterAPostLeadsToTheFormsPage(t *testing.T) {
	ts := newTestServer(t)
	proc := ts.createTestProcedure(t, "fr", "# Retour\n\nLe délai de réponse est de trente jours.\n")
	path := "/procedures/" + strconv.FormatInt(proc.ID, 10)
	secretariat := ts.sessionClient(t, demo.SecretariatEmail)
	form := url.Values{"closes_at": {"pas une date"}}.Encode()
	for _, tt := range []struct {
		name, referer, want string
	}{
		{"FromTheFormsPage", ts.URL + path + "?tab=comments", path + "?tab=comments"},
		{"NoReferer", "", "/"},
		{"OtherSite", "https://elsewhere.example" + path, "/"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodPost, ts.URL+path+"/consultation", strings.NewReader(form))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if tt.referer != "" {
				req.Header.Set("Referer", tt.referer)
			}
			resp := secretariat.do(t, req)
			wantStatus(t, "a refused consultation form", resp, http.StatusBadRequest)
			want := `name="next" value="` + strings.ReplaceAll(tt.want, "&", "&amp;") + `"`
			if !strings.Contains(resp.Body, want) {
				t.Errorf("the switcher lacks %s", want)
			}
			if strings.Contains(resp.Body, `name="next" value="`+path+`/consultation"`) {
				t.Errorf("the switcher leads to the post's address")
			}
		})
	}
}
