package server

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"tawla/demo"
)

// collegeSelect matches the college select of the organisation form.
var collegeSelect = regexp.MustCompile(`(?s)<select id="college".*?</select>`)

// TestOrganisationFormCollege checks that the new-organisation form chooses
// no college in advance and that a form without one is refused on that
// field, the other fields kept.
func TestOrganisationFormCollege(t *testing.T) {
	ts := newTestServer(t)
	staff := ts.loginAs(t, demo.SecretariatEmail)

	blank := staff.get(t, "/admin/organisations/new")
	wantStatus(t, "new organisation form", blank, http.StatusOK)
	sel := collegeSelect.FindString(blank.Body)
	if sel == "" {
		t.Fatalf("no college select on the form:\n%s", excerpt(blank.Body))
	}
	if selected := regexp.MustCompile(`<option value="([^"]*)" selected>`).FindAllStringSubmatch(sel, -1); len(selected) != 1 || selected[0][1] != "" {
		t.Errorf("selected colleges %q, want only the empty choice", selected)
	}

	before := ts.snapshot(t)
	resp := staff.postForm(t, "/admin/organisations", url.Values{"name_fr": {"Association Nour"}, "delegation": {"Chebba"}})
	wantStatus(t, "create without a college", resp, http.StatusBadRequest)
	if !regexp.MustCompile(`<select id="college"[^>]*aria-invalid="true"`).MatchString(resp.Body) {
		t.Errorf("the college select is not marked invalid:\n%s", collegeSelect.FindString(resp.Body))
	}
	wantText(t, resp, ts.srv.localizer("fr").T("error.org.college_required"))
	for _, kept := range []string{`value="Association Nour"`, `value="Chebba"`} {
		if !strings.Contains(resp.Body, kept) {
			t.Errorf("the refused form lost %s", kept)
		}
	}
	if after := ts.snapshot(t); after != before {
		t.Errorf("a refused create changed the data:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

// TestOrganisationSimilarName checks that a name that reads as an existing
// organisation's is refused with that organisation named, and is created
// once the person ticks "create anyway".
func TestOrganisationSimilarName(t *testing.T) {
	ts := newTestServer(t)
	staff := ts.loginAs(t, demo.SecretariatEmail)
	existing := ts.organisationNamed(t, "Commune de Mahdia")
	form := url.Values{"name_fr": {"  COMMUNE de  mahdia"}, "college": {"local_authority"}, "delegation": {"Mahdia"}}

	before := ts.snapshot(t)
	resp := staff.postForm(t, "/admin/organisations", form)
	wantStatus(t, "create a similar organisation", resp, http.StatusBadRequest)
	wantText(t, resp, ts.srv.localizer("fr").T("error.org.similar_named", "Name", existing.NameFR))
	if !strings.Contains(resp.Body, `name="create_anyway"`) {
		t.Error("the refused form does not offer to create the organisation anyway")
	}
	if !regexp.MustCompile(`<input id="name_fr"[^>]*aria-invalid="true"`).MatchString(resp.Body) {
		t.Error("the French name is not marked invalid")
	}
	if !strings.Contains(resp.Body, `value="COMMUNE de  mahdia"`) {
		t.Error("the refused form lost the name typed")
	}
	if after := ts.snapshot(t); after != before {
		t.Errorf("a refused create changed the data:\nbefore:\n%s\nafter:\n%s", before, after)
	}

	// In Arabic, the existing organisation is named in Arabic.
	resp = staff.postForm(t, "/admin/organisations?lang=ar", url.Values{"name_ar": {existing.NameAR}, "college": {"local_authority"}})
	wantStatus(t, "create a similar organisation in Arabic", resp, http.StatusBadRequest)
	wantText(t, resp, ts.srv.localizer("ar").T("error.org.similar_named", "Name", existing.NameAR))

	form.Set("create_anyway", "on")
	wantRedirect(t, "create anyway", staff.postForm(t, "/admin/organisations?lang=fr", form), "/admin/organisations?done=organisation_created")
}

// TestOrganisationFormLimits posts the form with two names of 10,000
// characters (about 70 KB once encoded): the form comes back filled, with
// the limit stated, instead of emptied as unreadable. Only a body over the
// form limit is refused whole, saying so.
func TestOrganisationFormLimits(t *testing.T) {
	ts := newTestServer(t)
	staff := ts.loginAs(t, demo.SecretariatEmail)
	fr := ts.srv.localizer("fr")
	longFR, longAR := strings.Repeat("a", 10000), strings.Repeat("ه", 10000)
	form := url.Values{"name_fr": {longFR}, "name_ar": {longAR}, "college": {"civil_society"}, "delegation": {"El Jem"}, "contact": {"73 000 000"}}
	if n := len(form.Encode()); n < 64<<10 {
		t.Fatalf("the form is %d bytes, want more than the old limit of 64 KiB", n)
	}

	before := ts.snapshot(t)
	resp := staff.postForm(t, "/admin/organisations", form)
	wantStatus(t, "names of 10,000 characters", resp, http.StatusBadRequest)
	wantText(t, resp, fr.T("error.text.too_long_limit", "Count", 200))
	if !strings.Contains(html.UnescapeString(resp.Body), fr.T("organisation.name_hint", "Count", 200)) {
		t.Error("the form does not state the names' limit in its hint")
	}
	for _, kept := range []string{`value="` + longFR + `"`, `value="` + longAR + `"`, `value="El Jem"`, `>73 000 000</textarea>`, `value="civil_society" selected`} {
		if !strings.Contains(resp.Body, kept) {
			t.Errorf("the refused form lost %.60s…", kept)
		}
	}

	form.Set("contact", strings.Repeat("x", maxFormBytes))
	resp = staff.postForm(t, "/admin/organisations", form)
	wantStatus(t, "a form over the limit", resp, http.StatusBadRequest)
	wantText(t, resp, fr.T("error.form.too_large"))
	if after := ts.snapshot(t); after != before {
		t.Errorf("refused creates changed the data:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

// wantText fails the test unless the page shows text (compared unescaped).
func wantText(t *testing.T, resp *response, text string) {
	t.Helper()
	if !strings.Contains(html.UnescapeString(resp.Body), text) {
		t.Errorf("the page does not say %q:\n%s", text, excerpt(resp.Body))
	}
}
