package server

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"tawla/demo"
)

func TestListPage(t *testing.T) {
	tests := []struct {
		query string
		want  int
	}{
		{"", 1},
		{"page=3", 3},
		{"page=1", 1},
		{"page=0", 1},
		{"page=-2", 1},
		{"page=x", 1},
		{"page=999999", 999999},
		{"page=1000000", 1},
	}
	for _, tt := range tests {
		q, _ := url.ParseQuery(tt.query)
		if got := listPage(q); got != tt.want {
			t.Errorf("listPage(%q) = %d, want %d", tt.query, got, tt.want)
		}
	}
}

func TestNewPagination(t *testing.T) {
	q := url.Values{"action": {"account.login"}, "page": {"2"}}
	tests := []struct {
		name  string
		page  int
		total int
		want  pagination
	}{
		{"OnlyPage", 1, 50, pagination{Page: 1}},
		{"First", 1, 51, pagination{Page: 1, NextURL: "/admin/audit?action=account.login&page=2"}},
		{"Middle", 2, 101, pagination{Page: 2, PrevURL: "/admin/audit?action=account.login&page=1", NextURL: "/admin/audit?action=account.login&page=3"}},
		{"Last", 3, 101, pagination{Page: 3, PrevURL: "/admin/audit?action=account.login&page=2"}},
		// Beyond the last page: the address of the last one, to go to.
		{"PastEnd", 9, 101, pagination{Page: 9, LastURL: "/admin/audit?action=account.login&page=3"}},
		{"PastEndOfNothing", 2, 0, pagination{Page: 2, LastURL: "/admin/audit?action=account.login&page=1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := newPagination("/admin/audit", q, tt.page, 50, tt.total); got != tt.want {
				t.Errorf("newPagination(page %d of %d) = %+v, want %+v", tt.page, tt.total, got, tt.want)
			}
		})
	}
	if got := q.Get("page"); got != "2" {
		t.Errorf("newPagination changed the query it was given: page=%s", got)
	}
}

func TestTemplateArgs(t *testing.T) {
	got, err := templateArgs("Page", 2, "Empty", "audit.empty")
	if err != nil || len(got) != 2 || got["Page"] != 2 || got["Empty"] != "audit.empty" {
		t.Errorf("templateArgs = %v, %v; want map[Empty:audit.empty Page:2]", got, err)
	}
	if _, err := templateArgs("Page"); err == nil {
		t.Error("templateArgs accepted a name without a value")
	}
	if _, err := templateArgs(1, "Page"); err == nil {
		t.Error("templateArgs accepted a name that is not a string")
	}
}

// TestPaginationPartial renders the pagination partial with its default
// labels and with a list's own.
func TestPaginationPartial(t *testing.T) {
	ts := newTestServer(t)
	u, _ := url.Parse("/things?page=2")
	p := &page{localizer: ts.srv.localizer("en"), Lang: "en", url: u}
	pager := pagination{Page: 2, PrevURL: "/things?page=1", NextURL: "/things?page=3"}
	tests := []struct {
		name string
		args map[string]any
		want []string
	}{
		{"Defaults", map[string]any{"Page": p, "Pager": pager}, []string{
			`<nav class="pager" aria-label="Pages">`,
			`<a href="/things?page=1" rel="prev">Previous page</a>`,
			`<span>Page 2</span>`,
			`<a href="/things?page=3" rel="next">Next page</a>`,
		}},
		{"OwnLabels", map[string]any{"Page": p, "Pager": pager, "Label": "audit.pages", "Previous": "audit.newer", "Next": "audit.older"}, []string{
			`<nav class="pager" aria-label="Log pages">`,
			`rel="prev">Newer</a>`,
			`rel="next">Older</a>`,
		}},
		{"FirstPage", map[string]any{"Page": p, "Pager": pagination{Page: 1}}, []string{`<span>Page 1</span>`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := ts.srv.pages.pages["audit"].ExecuteTemplate(&buf, "pagination", tt.args); err != nil {
				t.Fatal(err)
			}
			for _, want := range tt.want {
				if !strings.Contains(buf.String(), want) {
					t.Errorf("the pagination lacks %s:\n%s", want, buf.String())
				}
			}
			if tt.name == "FirstPage" && strings.Contains(buf.String(), "rel=") {
				t.Errorf("a single page links elsewhere:\n%s", buf.String())
			}
		})
	}
}

// TestListPastEnd: a list page beyond the last one (an old link, a list
// that got shorter) goes to the last page, keeping the filters, rather
// than saying that nothing matches them.
func TestListPastEnd(t *testing.T) {
	ts := newTestServer(t)
	c := ts.sessionClient(t, demo.AdminEmail)
	for _, path := range []string{"/issues?status=open&page=999", "/meetings?when=past&page=999", "/actions?page=999", "/admin/audit?page=999"} {
		resp := c.get(t, path)
		wantStatus(t, path, resp, http.StatusSeeOther)
		loc := resp.location()
		if !strings.Contains(loc, "page=") || strings.Contains(loc, "page=999") || strings.Contains(path, "status=open") && !strings.Contains(loc, "status=open") {
			t.Errorf("%s goes to %q, want its last page with its filters", path, loc)
			continue
		}
		wantStatus(t, loc, c.get(t, loc), http.StatusOK)
	}
}
