package server

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"tawla/demo"
)

// TestRedirectDoneNotices reads the server's Go code and checks that every
// redirectDone call names its notice with a literal that is in notices, and
// that every notice is used by some call, so that a misspelt notice fails
// here instead of at the end of a form.
func TestRedirectDoneNotices(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	used := map[string]bool{}
	calls := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			if id, ok := call.Fun.(*ast.Ident); !ok || id.Name != "redirectDone" || len(call.Args) != 4 {
				return true
			}
			calls++
			where := fset.Position(call.Pos())
			lit, ok := call.Args[3].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				t.Errorf("%s: redirectDone's notice is not a string literal, so this test cannot check it", where)
				return true
			}
			notice, _ := strconv.Unquote(lit.Value)
			if _, ok := notices[notice]; !ok {
				t.Errorf("%s: redirectDone names notice %q, which notices lacks", where, notice)
			}
			used[notice] = true
			return true
		})
	}
	if calls < len(notices) {
		t.Errorf("found %d redirectDone calls for %d notices; is the scanner still right?", calls, len(notices))
	}
	for notice := range notices {
		if !used[notice] {
			t.Errorf("notice %q is in notices but no redirectDone call uses it", notice)
		}
	}
}

func TestRedirectDone(t *testing.T) {
	tests := []struct {
		name   string
		path   string
		notice string
		want   string
	}{
		{"OK", "/admin/accounts", "account_saved", "/admin/accounts?done=account_saved"},
		{"Root", "/", "password_changed", "/?done=password_changed"},
		{"PathWithQuery", "/admin/accounts?role=member", "account_saved", "/admin/accounts?done=account_saved&role=member"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			redirectDone(rec, httptest.NewRequest(http.MethodPost, "/x", nil), tt.path, tt.notice)
			if rec.Code != http.StatusSeeOther {
				t.Errorf("status %d, want %d", rec.Code, http.StatusSeeOther)
			}
			if got := rec.Header().Get("Location"); got != tt.want {
				t.Errorf("Location %q, want %q", got, tt.want)
			}
		})
	}

	t.Run("UnknownNotice", func(t *testing.T) {
		defer func() {
			if recover() == nil {
				t.Error("redirectDone accepted an unknown notice")
			}
		}()
		redirectDone(httptest.NewRecorder(), httptest.NewRequest(http.MethodPost, "/x", nil), "/", "acount_saved")
	})
}

// TestNoticeShown checks that each page a redirect leads to shows the
// notice it names, and nothing for a name that is not a notice.
func TestNoticeShown(t *testing.T) {
	ts := newTestServer(t)
	admin := ts.loginAs(t, demo.AdminEmail)
	procs, err := ts.db.FindProcedures(context.Background())
	if err != nil || len(procs) == 0 {
		t.Fatalf("FindProcedures: %d, %v; the demo has procedures", len(procs), err)
	}
	member := ts.account(t, demo.MemberEmail)
	tests := []struct {
		name string
		c    *client
		path string
		want string
	}{
		{"LoggedOut", ts.newClient(t), "/login?done=logged_out", "Vous êtes déconnecté."},
		{"PasswordChanged", admin, "/?done=password_changed", "Votre mot de passe a été changé."},
		{"OrganisationCreated", admin, "/admin/organisations?done=organisation_created", "L&#39;organisme a été ajouté."},
		{"AccountCreated", admin, accountPath(member.ID) + "/edit?done=account_created", "Le compte a été créé."},
		{"AccountSaved", admin, "/admin/accounts?done=account_saved&lang=en", "The account has been saved."},
		{"ProcedureSaved", admin, procedurePath(procs[0].ID) + "?done=procedure_saved&lang=ar", "حُفظت بطاقة الإجراء."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := tt.c.get(t, tt.path)
			wantStatus(t, tt.path, resp, http.StatusOK)
			if !strings.Contains(resp.Body, `<p class="notice" role="status">`+tt.want) {
				t.Errorf("%s does not show the notice %q: %s", tt.path, tt.want, excerpt(resp.Body))
			}
		})
	}

	t.Run("UnknownName", func(t *testing.T) {
		resp := admin.get(t, "/admin/accounts?done=acount_saved&lang=fr")
		wantStatus(t, "unknown notice", resp, http.StatusOK)
		if strings.Contains(resp.Body, `class="notice"`) {
			t.Errorf("an unknown ?done= shows a notice: %s", excerpt(resp.Body))
		}
	})
}
