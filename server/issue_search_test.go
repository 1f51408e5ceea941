package server

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"tawla/demo"
	"tawla/workspace"
)

// snippetPattern finds the snippet of each row of the list of issues.
var snippetPattern = regexp.MustCompile(`(?s)<tr id="issue-(\d+)".*?<p class="snippet" dir="auto">(.*?)</p>`)

// searchIssues searches the list as c and returns the ids of the rows in
// their order, with each row's snippet.
func searchIssues(t *testing.T, c *client, query string) ([]int64, map[int64]string, string) {
	t.Helper()
	resp := c.get(t, "/issues?q="+url.QueryEscape(query))
	wantStatus(t, "search "+query, resp, 200)
	var ids []int64
	snippets := map[int64]string{}
	for _, m := range snippetPattern.FindAllStringSubmatch(resp.Body, -1) {
		id, _ := strconv.ParseInt(m[1], 10, 64)
		ids = append(ids, id)
		snippets[id] = m[2]
	}
	return ids, snippets, resp.Body
}

// TestIssueSearch searches the list of issues through GET /issues?q=, as
// a person does: French with and without accents, Arabic with and without
// vowel marks, ranked with the title first, snippets escaped with only the
// matching words marked, and private fields never searched.
func TestIssueSearch(t *testing.T) {
	ts := newTestServer(t)
	accented := reportIssue(t, ts, demo.MemberEmail, "Inscription refusée", "L'élève revenu de France n'a pas de place au lycée de Chebba.", nil)
	plain := reportIssue(t, ts, demo.MemberEmail, "Transfert de dossier", "Dossier scolaire d'un eleve rentre d'Italie, sans equivalence.", nil)
	vowelled := reportIssue(t, ts, demo.MemberEmail, "شهادة غير معترف بها", "الطَّالِبُ لَمْ يَحْصُلْ عَلَى مُعَادَلَةِ الشَّهَادَةِ.", nil)
	bare := reportIssue(t, ts, demo.MemberEmail, "ملف عالق", "الطالب ينتظر منذ ثلاثة أشهر في المندوبية.", nil)
	titled := reportIssue(t, ts, demo.MemberEmail, "Logement d'urgence à Mahdia", "Une famille de cinq personnes.", nil)
	described := reportIssue(t, ts, demo.MemberEmail, "Famille sans ressources", "Elle cherche un logement depuis son retour.", nil)
	tricky := reportIssue(t, ts, demo.MemberEmail, "Texte piégé", "Avant <script>alert('x')</script> & <b>gras</b> le bureau d'emploi ferme à midi.", nil)
	secret := reportIssue(t, ts, demo.MemberEmail, "Problème ordinaire", "Rien de personnel ici.",
		&workspace.IssuePrivate{PersonName: "Zeineb Confidentielle", PersonContact: "motdepasseprive", Details: "Adresse introuvableprivee"})
	c := ts.sessionClient(t, demo.MemberEmail)

	has := func(ids []int64, want int64) bool {
		for _, id := range ids {
			if id == want {
				return true
			}
		}
		return false
	}

	t.Run("FrenchAccents", func(t *testing.T) {
		for _, q := range []string{"eleve", "élève", "ÉLÈVE"} {
			ids, snippets, _ := searchIssues(t, c, q)
			if !has(ids, accented.ID) || !has(ids, plain.ID) || len(ids) != 2 {
				t.Errorf("%q found %v, want %d and %d", q, ids, accented.ID, plain.ID)
				continue
			}
			// The snippet is cut from the original text, accents kept.
			if !strings.Contains(snippets[accented.ID], "<mark>élève</mark>") || !strings.Contains(snippets[plain.ID], "<mark>eleve</mark>") {
				t.Errorf("%q: snippets %v", q, snippets)
			}
		}
	})

	t.Run("ArabicVowelMarks", func(t *testing.T) {
		for _, q := range []string{"الطالب", "الطَّالِبُ"} {
			ids, snippets, _ := searchIssues(t, c, q)
			if !has(ids, vowelled.ID) || !has(ids, bare.ID) || len(ids) != 2 {
				t.Errorf("%q found %v, want %d and %d", q, ids, vowelled.ID, bare.ID)
				continue
			}
			if !strings.Contains(snippets[vowelled.ID], "<mark>الطَّالِبُ</mark>") || !strings.Contains(snippets[bare.ID], "<mark>الطالب</mark>") {
				t.Errorf("%q: snippets %v", q, snippets)
			}
		}
		ids, _, _ := searchIssues(t, c, "شَهَادَة")
		if !has(ids, vowelled.ID) {
			t.Errorf("شَهَادَة found %v, want %d", ids, vowelled.ID)
		}
	})

	t.Run("TitleFirst", func(t *testing.T) {
		ids, snippets, body := searchIssues(t, c, "logement")
		if len(ids) != 2 || ids[0] != titled.ID || ids[1] != described.ID {
			t.Fatalf("logement found %v, want %d (title) before %d (description)", ids, titled.ID, described.ID)
		}
		// Without a match in the text, the snippet comes from the title.
		if !strings.Contains(snippets[titled.ID], "<mark>Logement</mark>") {
			t.Errorf("title's snippet %q", snippets[titled.ID])
		}
		if !strings.Contains(body, "2 problèmes trouvés") {
			t.Errorf("the page does not count its results")
		}
	})

	t.Run("SnippetEscaped", func(t *testing.T) {
		ids, snippets, body := searchIssues(t, c, "bureau")
		if len(ids) != 1 || ids[0] != tricky.ID {
			t.Fatalf("bureau found %v, want %d", ids, tricky.ID)
		}
		s := snippets[tricky.ID]
		if !strings.Contains(s, "&lt;script&gt;") || !strings.Contains(s, "&lt;b&gt;gras&lt;/b&gt;") || !strings.Contains(s, "&amp;") {
			t.Errorf("snippet not escaped: %q", s)
		}
		if strings.Contains(body, "<script>alert") || strings.Contains(body, "<b>gras") {
			t.Error("the text's markup reached the page")
		}
		// <mark> is the only markup, around the matching word only.
		if got := strings.ReplaceAll(s, "<mark>bureau</mark>", ""); strings.ContainsAny(got, "<>") {
			t.Errorf("snippet holds other markup: %q", s)
		}
		if strings.Count(s, "<mark>") != 1 {
			t.Errorf("snippet %q: want one marked word", s)
		}
	})

	t.Run("PrivateNeverFound", func(t *testing.T) {
		for _, q := range []string{"Zeineb", "Confidentielle", "motdepasseprive", "introuvableprivee"} {
			ids, _, body := searchIssues(t, c, q)
			if len(ids) != 0 {
				t.Errorf("%q found %v: private fields were searched", q, ids)
			}
			if !strings.Contains(body, "Aucun problème ne contient ces mots.") {
				t.Errorf("%q: the page does not say nothing was found", q)
			}
		}
		// The issue itself is found by its own words, without its private
		// fields in the snippet.
		ids, snippets, _ := searchIssues(t, c, "personnel")
		if len(ids) != 1 || ids[0] != secret.ID || strings.Contains(snippets[secret.ID], "Zeineb") {
			t.Errorf("personnel found %v, snippets %v", ids, snippets)
		}
	})

	t.Run("NoWords", func(t *testing.T) {
		// A query without words searches nothing: the list is whole.
		resp := c.get(t, "/issues?q="+url.QueryEscape(`"*" OR`))
		wantStatus(t, "FTS5 syntax", resp, 200)
		resp = c.get(t, "/issues?q=%22%2A%22")
		wantStatus(t, "quote and star", resp, 200)
		if !strings.Contains(resp.Body, "Inscription refusée") {
			t.Error("a query without words hid the issues")
		}
	})
}
