package server

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"tawla/workspace"
)

// postedForm returns a POST request whose body is the URL-encoded body as
// given, byte for byte, with query as its URL's query.
func postedForm(body, query string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/form?"+query, strings.NewReader(body))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return r
}

// TestParseFormRepairsUTF8 checks that parseForm replaces each byte that
// is not valid UTF-8 with U+FFFD in r.PostForm and r.Form, keeps every
// other value as sent, and names the first field of the body that held
// one; and that a body that cannot be read gives nothing back.
func TestParseFormRepairsUTF8(t *testing.T) {
	long := strings.Repeat("Orientation des rapatriés vers la CNSS ; ", 200)
	for _, c := range []struct {
		name      string
		body      string
		query     string
		field     string
		want      map[string]string
		wantError bool
	}{
		{
			name:  "Valid",
			body:  "title=" + url.QueryEscape("Diplôme") + "&description=" + url.QueryEscape(long),
			want:  map[string]string{"title": "Diplôme", "description": long},
			field: "",
		},
		{
			name:      "OneByte",
			body:      "title=" + url.QueryEscape("Diplôme") + "&description=" + url.QueryEscape(long) + "%FF",
			want:      map[string]string{"title": "Diplôme", "description": long + "\uFFFD"},
			field:     "description",
			wantError: true,
		},
		{
			// Latin-1 é and è: two characters lost, two replacements.
			name:      "Latin1",
			body:      "name=Caf%E9%E8+du+port&note=ok",
			want:      map[string]string{"name": "Caf\uFFFD\uFFFD du port", "note": "ok"},
			field:     "name",
			wantError: true,
		},
		{
			// A sequence cut short, then a valid Arabic letter.
			name:      "Truncated",
			body:      "body=" + "%E2%82" + url.QueryEscape("ب"),
			want:      map[string]string{"body": "\uFFFD\uFFFDب"},
			field:     "body",
			wantError: true,
		},
		{
			// The first field in the body's order, whatever the map's.
			name:      "FirstOfSeveral",
			body:      "z=a%FF&a=b%FF&m=c%FF",
			want:      map[string]string{"z": "a\uFFFD", "a": "b\uFFFD", "m": "c\uFFFD"},
			field:     "z",
			wantError: true,
		},
		{
			// A name that is not valid UTF-8 is repaired, and is no field.
			name:  "BrokenName",
			body:  "ti%FFtle=x&note=ok",
			want:  map[string]string{"ti\uFFFDtle": "x", "note": "ok"},
			field: "",
		},
		{
			// The query is repaired in r.Form; the form alone is refused.
			name:  "Query",
			body:  "note=ok",
			query: "q=a%FF",
			want:  map[string]string{"note": "ok"},
			field: "",
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := postedForm(c.body, c.query)
			err := parseForm(httptest.NewRecorder(), r)
			if (err != nil) != c.wantError {
				t.Fatalf("err = %v, want an error: %v", err, c.wantError)
			}
			if err != nil {
				if workspace.ErrorCode(err) != workspace.EINVALID || !formKept(err) {
					t.Errorf("err = %#v, want EINVALID error.text.utf8", err)
				}
				if got := fieldError(err); got != c.field {
					t.Errorf("field %q, want %q", got, c.field)
				}
			}
			for name, want := range c.want {
				if got := r.PostFormValue(name); got != want {
					t.Errorf("PostForm[%q] = %q, want %q", name, excerptOf(got), excerptOf(want))
				}
				if got := r.FormValue(name); got != want {
					t.Errorf("Form[%q] = %q, want %q", name, excerptOf(got), excerptOf(want))
				}
			}
			for _, values := range []url.Values{r.PostForm, r.Form} {
				for name, list := range values {
					if !utf8.ValidString(name) {
						t.Errorf("name %q is not valid UTF-8", name)
					}
					for _, v := range list {
						if !utf8.ValidString(v) {
							t.Errorf("%s = %q is not valid UTF-8", name, excerptOf(v))
						}
					}
				}
			}
		})
	}

	t.Run("Unreadable", func(t *testing.T) {
		for name, body := range map[string]string{
			"TooLarge":  "description=" + strings.Repeat("a", maxFormBytes) + "%FF",
			"Malformed": "title=%ZZ%FF",
		} {
			err := parseForm(httptest.NewRecorder(), postedForm(body, ""))
			if err == nil || formKept(err) || workspace.ErrorCode(err) != workspace.EINVALID {
				t.Errorf("%s: err = %v, want EINVALID with nothing kept", name, err)
			}
		}
	})
}

// excerptOf shortens a long value for a test's message.
func excerptOf(s string) string {
	if r := []rune(s); len(r) > 60 {
		return string(r[:30]) + "…" + string(r[len(r)-30:])
	}
	return s
}
