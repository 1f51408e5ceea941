package server

import (
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"tawla/demo"
)

// TestTranslationFollowsAnEarlierEdition: the publish form of a version
// that may join an entry as its translation asks which edition of the
// original it follows. An edition the original does not have, or a word,
// is refused with the form kept and nothing published; an Arabic
// translation made from the French text's first edition, published after
// the second, says on its public page that the original has changed since,
// where before the store took the latest edition for granted.
func TestTranslationFollowsAnEarlierEdition(t *testing.T) {
	ts := newTestServer(t)
	fr := publishedProcedure(t, ts, "Orientation sanitaire", "fr", publicFR1, publicFR2)
	ar := publishedProcedure(t, ts, "التوجيه الصحي", "ar", publicAR1)
	fr1 := publishOn(t, ts, fr, 1, "2020-01-01", 0, 0)
	fr2 := publishOn(t, ts, fr, 2, "2021-03-01", 0, 0)
	staff := ts.sessionClient(t, demo.SecretariatEmail)
	path := "/procedures/" + strconv.FormatInt(ar.ID, 10) + "/versions/1/publish"
	wantIn(t, "the publish form", staff.get(t, path+"?lang=fr").Body, `id="source_edition"`, "que suit cette traduction")

	entry := strconv.FormatInt(fr1.EntryID, 10)
	for _, typed := range []string{"3", "zéro", "-1"} {
		before := ts.snapshot(t)
		resp := staff.postForm(t, path+"?lang=fr", url.Values{"effective_on": {"2021-06-01"}, "translation_of": {entry}, "source_edition": {typed}})
		wantStatus(t, "source edition "+typed, resp, http.StatusBadRequest)
		wantIn(t, "the form refused for "+typed, resp.Body, "ou laissez vide pour la dernière", `value="`+typed+`"`, `aria-invalid="true"`)
		if after := ts.snapshot(t); after != before {
			t.Errorf("a refused source edition %q changed the data", typed)
		}
	}

	resp := staff.postForm(t, path, url.Values{"effective_on": {"2021-06-01"}, "translation_of": {entry}, "source_edition": {"1"}})
	wantStatus(t, "publish the translation of the first edition", resp, http.StatusSeeOther)
	page := mustGet(t, ts.newClient(t), "/public/procedures/"+fr1.Identifier+"/ar", http.StatusOK).Body
	wantIn(t, "the Arabic page", page, `class="status-banner translation-behind"`, "تتبع هذه الترجمة الطبعة 1 من النص الفرنسي", fr2.Label())
}
