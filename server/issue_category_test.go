package server

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"tawla/demo"
	"tawla/workspace"
)

// categoriesState describes every category, field by field, so that two
// equal states mean that nothing changed.
func (ts *testServer) categoriesState(t *testing.T) string {
	t.Helper()
	categories, err := ts.db.FindIssueCategories(context.Background(), true)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, c := range categories {
		fmt.Fprintf(&b, "%d %q %q %q %d %v\n", c.ID, c.NameFR, c.NameAR, c.NameEN, c.Position, c.Active)
	}
	return b.String()
}

// categoryNamed returns the category whose French name is name, or nil.
func (ts *testServer) categoryNamed(t *testing.T, name string) *workspace.IssueCategory {
	t.Helper()
	categories, err := ts.db.FindIssueCategories(context.Background(), true)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range categories {
		if c.NameFR == name {
			return c
		}
	}
	return nil
}

// TestIssueCategories creates, renames, moves, deactivates and
// reactivates a category through the secretariat's forms, and checks that
// bad input (a missing name, a bad position, invalid UTF-8, an unknown
// category) comes back as a clear error with the form filled, changing
// nothing, and that members and stakeholders are refused.
func TestIssueCategories(t *testing.T) {
	ts := newTestServer(t)
	staff := ts.sessionClient(t, demo.SecretariatEmail)

	resp := staff.get(t, "/issues/categories?lang=fr")
	wantStatus(t, "the list", resp, http.StatusOK)
	wantText(t, resp, "Catégories de problèmes")

	t.Run("Create", func(t *testing.T) {
		resp := staff.postForm(t, "/issues/categories", url.Values{"name_fr": {"  Transport  "}, "name_ar": {"النقل"}, "name_en": {"Transport"}})
		wantRedirect(t, "create", resp, "/issues/categories?done=category_created")
		c := ts.categoryNamed(t, "Transport")
		if c == nil || c.NameAR != "النقل" || c.NameEN != "Transport" || !c.Active {
			t.Fatalf("created category %+v", c)
		}
		page := staff.get(t, "/issues/categories?done=category_created&lang=ar")
		wantText(t, page, "تمت إضافة الصنف.")
		wantText(t, page, "النقل")
	})

	t.Run("RenameMoveDeactivate", func(t *testing.T) {
		c := ts.categoryNamed(t, "Transport")
		path := "/issues/categories/" + strconv.FormatInt(c.ID, 10) + "/edit"
		resp := staff.postForm(t, path, url.Values{"name_fr": {"Transport et mobilité"}, "name_ar": {"النقل والتنقل"}, "name_en": {"Transport"}, "position": {"2"}})
		wantRedirect(t, "rename", resp, "/issues/categories?done=category_saved")
		got := ts.categoryNamed(t, "Transport et mobilité")
		if got == nil || got.Position != 2 || got.Active || got.NameAR != "النقل والتنقل" {
			t.Fatalf("after renaming, moving and deactivating: %+v", got)
		}
		resp = staff.postForm(t, path, url.Values{"name_fr": {got.NameFR}, "name_ar": {got.NameAR}, "position": {"2"}, "active": {"on"}})
		wantRedirect(t, "reactivate", resp, "/issues/categories?done=category_saved")
		if got = ts.categoryNamed(t, "Transport et mobilité"); !got.Active || got.NameEN != "" {
			t.Fatalf("after reactivating: %+v", got)
		}
	})

	c := ts.categoryNamed(t, "Transport et mobilité")
	path := "/issues/categories/" + strconv.FormatInt(c.ID, 10) + "/edit"
	for _, tt := range []struct {
		name, path string
		form       url.Values
		status     int
		text       string
	}{
		{"NoArabicName", "/issues/categories", url.Values{"name_fr": {"Catégorie sans arabe"}}, http.StatusBadRequest, "Catégorie sans arabe"},
		{"NameTooLong", "/issues/categories", url.Values{"name_fr": {strings.Repeat("é", 101)}, "name_ar": {"طويل"}}, http.StatusBadRequest, "طويل"},
		{"InvalidUTF8", "/issues/categories", url.Values{"name_fr": {"bad \xff"}, "name_ar": {"سيء"}}, http.StatusBadRequest, ""},
		{"RenameToNothing", path, url.Values{"name_fr": {""}, "name_ar": {"النقل"}, "active": {"on"}}, http.StatusBadRequest, "النقل"},
		{"PositionNotANumber", path, url.Values{"name_fr": {"Renommée"}, "name_ar": {"النقل"}, "position": {"deux"}, "active": {"on"}}, http.StatusBadRequest, "Renommée"},
		{"PositionZero", path, url.Values{"name_fr": {"Renommée"}, "name_ar": {"النقل"}, "position": {"-3"}, "active": {"on"}}, http.StatusBadRequest, "Renommée"},
		{"UnknownCategory", "/issues/categories/999999/edit", url.Values{"name_fr": {"X"}, "name_ar": {"س"}}, http.StatusNotFound, ""},
		{"NotAnID", "/issues/categories/abc/edit", url.Values{"name_fr": {"X"}, "name_ar": {"س"}}, http.StatusNotFound, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := ts.categoriesState(t)
			resp := staff.postForm(t, tt.path+"?lang=fr", tt.form)
			wantStatus(t, tt.name, resp, tt.status)
			if tt.text != "" {
				wantText(t, resp, tt.text) // the form comes back filled
				if !strings.Contains(resp.Body, `role="alert"`) {
					t.Errorf("no error message")
				}
			}
			if after := ts.categoriesState(t); after != before {
				t.Errorf("a refused post changed the categories:\n%s\n%s", before, after)
			}
		})
	}

	t.Run("Refused", func(t *testing.T) {
		before := ts.categoriesState(t)
		for _, email := range []string{demo.MemberEmail, demo.StakeholderEmail} {
			c := ts.sessionClient(t, email)
			wantStatus(t, "list as "+email, c.get(t, "/issues/categories"), http.StatusForbidden)
			wantStatus(t, "create as "+email, c.postForm(t, "/issues/categories", url.Values{"name_fr": {"Refusée"}, "name_ar": {"مرفوض"}}), http.StatusForbidden)
			wantStatus(t, "update as "+email, c.postForm(t, path, url.Values{"name_fr": {"Refusée"}, "name_ar": {"مرفوض"}}), http.StatusForbidden)
		}
		if after := ts.categoriesState(t); after != before {
			t.Errorf("a refused post changed the categories")
		}
	})
}
