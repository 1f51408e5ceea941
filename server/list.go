package server

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
)

// maxListPage bounds the ?page= a list accepts, so that a made-up number
// cannot ask the store for an absurd offset.
const maxListPage = 1_000_000

// pagination is where one page of a long list stands: its number and the
// addresses of the pages before and after it, "" at either end. The
// "pagination" partial (web/templates/common/list.html) shows it.
type pagination struct {
	Page    int
	PrevURL string
	NextURL string
	// LastURL is the address of the list's last page when Page is beyond
	// it (an old link, a list that got shorter), else "".
	LastURL string
}

// listPage returns the page number that a list's query asks for with
// ?page=: 1 unless it is a whole number above 1 and below maxListPage.
func listPage(q url.Values) int {
	if n, err := strconv.Atoi(q.Get("page")); err == nil && n > 1 && n < maxListPage {
		return n
	}
	return 1
}

// newPagination returns the pagination of page number page of a list of
// total items shown size at a time. The addresses are path with the query
// q (the list's filters), whose page value they replace.
func newPagination(path string, q url.Values, page, size, total int) pagination {
	p := pagination{Page: page}
	if page > 1 {
		p.PrevURL = listPageURL(path, q, page-1)
	}
	if page*size < total {
		p.NextURL = listPageURL(path, q, page+1)
	}
	if last := max((total+size-1)/size, 1); page > last {
		p.PrevURL, p.LastURL = "", listPageURL(path, q, last)
	}
	return p
}

// pastEnd redirects to the list's last page when the page asked for is
// beyond it, rather than showing an empty page that would say no item
// matches the filters, and reports whether it did.
func pastEnd(w http.ResponseWriter, r *http.Request, p pagination) bool {
	if p.LastURL == "" {
		return false
	}
	http.Redirect(w, r, p.LastURL, http.StatusSeeOther)
	return true
}

// listPageURL returns path with the query q, its page set to page.
func listPageURL(path string, q url.Values, page int) string {
	next := url.Values{}
	for k, v := range q {
		next[k] = v
	}
	next.Set("page", strconv.Itoa(page))
	return path + "?" + next.Encode()
}

// templateArgs gathers the parameters of a partial, given as name/value
// pairs: {{template "empty_state" (args "Page" . "Message" "accounts.empty")}}.
// A name that is not a string, or a name without a value, is an error that
// stops the template.
func templateArgs(pairs ...any) (map[string]any, error) {
	if len(pairs)%2 != 0 {
		return nil, fmt.Errorf("args: %d values, want name/value pairs", len(pairs))
	}
	m := make(map[string]any, len(pairs)/2)
	for i := 0; i < len(pairs); i += 2 {
		name, ok := pairs[i].(string)
		if !ok {
			return nil, fmt.Errorf("args: parameter name %v is not a string", pairs[i])
		}
		m[name] = pairs[i+1]
	}
	return m, nil
}

// Path returns the path of the page's address, without its query: where a
// list's filter form sends its query.
func (p *page) Path() string { return p.url.Path }
