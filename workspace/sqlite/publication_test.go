package sqlite_test

import (
	"context"
	"database/sql"
	"strings"
	"sync"
	"testing"

	"tawla/internal/testsupport"
	"tawla/workspace"
	"tawla/workspace/sqlite"
)

// registerTable is a table with what the register needs: a secretariat
// that publishes, a member who votes versions in and edits procedures,
// and a stakeholder.
type registerTable struct {
	db                         *sqlite.DB
	staff, member, stakeholder workspace.Actor
}

func newRegisterTable(t *testing.T) *registerTable {
	t.Helper()
	db, _ := testsupport.OpenEmptyStore(t)
	state := MustCreateOrganisation(t, db, "Gouvernorat de Mahdia")
	return &registerTable{
		db:          db,
		staff:       workspace.ActorFor(MustCreateAccount(t, db, state, "Leila Secrétariat", "leila@example.tn", workspace.RoleSecretariat)),
		member:      workspace.ActorFor(MustCreateAccount(t, db, state, "Karim Membre", "karim@example.tn", workspace.RoleMember)),
		stakeholder: workspace.ActorFor(MustCreateAccount(t, db, state, "Sami Partie", "sami@example.tn", workspace.RoleStakeholder)),
	}
}

// procedure creates a procedure with a version per text, none adopted.
func (rt *registerTable) procedure(t *testing.T, title, lang string, category workspace.ProcedureCategory, texts ...string) *workspace.Procedure {
	t.Helper()
	ctx := context.Background()
	p := &workspace.Procedure{Title: title, Language: lang, Category: category, Summary: "Résumé de " + title}
	if err := rt.db.CreateProcedure(ctx, rt.member, p, "# "+title+"\n"); err != nil {
		t.Fatalf("CreateProcedure: %v", err)
	}
	for _, text := range texts {
		if err := rt.db.CreateVersion(ctx, rt.member, p.ID, 0, text, &workspace.Version{Message: "Version"}); err != nil {
			t.Fatalf("CreateVersion: %v", err)
		}
	}
	return p
}

// adopt has a vote adopt version number of p.
func (rt *registerTable) adopt(t *testing.T, p *workspace.Procedure, number int) {
	t.Helper()
	testsupport.AdoptVersion(t, rt.db, rt.staff, rt.member, p.ID, number)
}

// adopted creates a procedure whose versions (one per text) are adopted.
func (rt *registerTable) adopted(t *testing.T, title, lang string, texts ...string) *workspace.Procedure {
	t.Helper()
	p := rt.procedure(t, title, lang, workspace.CategoryReferralPathway, texts...)
	for n := range texts {
		rt.adopt(t, p, n+1)
	}
	return p
}

// registerDay is the day the tests read the register on: the day their
// publications apply from.
const registerDay = "2026-12-07"

// request returns a request to publish version number of p in 2026.
func request(p *workspace.Procedure, number int) *workspace.PublishRequest {
	return &workspace.PublishRequest{ProcedureID: p.ID, VersionNumber: number, EffectiveOn: "2026-12-07", Year: 2026}
}

// publish publishes req as the secretariat.
func (rt *registerTable) publish(t *testing.T, req *workspace.PublishRequest) *workspace.Publication {
	t.Helper()
	pub, err := rt.db.Publish(context.Background(), rt.staff, req)
	if err != nil {
		t.Fatalf("Publish(%+v): %v", req, err)
	}
	return pub
}

// entry returns the register entry id.
func (rt *registerTable) entry(t *testing.T, id int64) *workspace.RegisterEntry {
	t.Helper()
	e, err := rt.db.FindRegisterEntryByID(context.Background(), registerDay, id)
	if err != nil {
		t.Fatalf("FindRegisterEntryByID(%d): %v", id, err)
	}
	return e
}

// mustUnchanged runs f, which must fail with code, and checks that the
// register and the audit log are as they were.
func (rt *registerTable) mustUnchanged(t *testing.T, code string, f func() error) {
	t.Helper()
	before := mustDumpRegister(t, rt.db)
	audit := mustAuditCount(t, rt.db)
	wantCode(t, f(), code)
	if after := mustDumpRegister(t, rt.db); after != before {
		t.Errorf("the register changed:\n%s\nwant\n%s", after, before)
	}
	if n := mustAuditCount(t, rt.db); n != audit {
		t.Errorf("%d audit entries, want %d", n, audit)
	}
}

// mustDumpRegister returns the register's tables as text.
func mustDumpRegister(tb testing.TB, db *sqlite.DB) string {
	tb.Helper()
	var b strings.Builder
	for _, table := range []string{"register_entries", "register_procedures", "publications", "publications_fts"} {
		b.WriteString(table)
		b.WriteString(": ")
		b.WriteString(strings.Repeat("#", mustCountRows(tb, db, table)))
		b.WriteString("\n")
	}
	entries, err := db.FindRegisterEntries(context.Background(), registerDay)
	if err != nil {
		tb.Fatal(err)
	}
	for _, e := range entries {
		b.WriteString(e.Identifier() + " " + string(e.Status()) + " " + e.ReplacedByIdentifier + " " + e.WithdrawalReason + "\n")
	}
	return b.String()
}

// TestPublish publishes an adopted version: a new entry PROC-2026-001
// holds it as its first French edition, with a copy of the procedure's
// details and text, the text's SHA-256, and an audit entry without the
// text.
func TestPublish(t *testing.T) {
	ctx := context.Background()
	rt := newRegisterTable(t)
	text := "# Accueil\n\nLe guichet unique reçoit la personne le jour même.\n"
	proc := rt.adopted(t, "Accueil au guichet unique", "fr", text)
	req := request(proc, 1)
	req.Note = "  Première publication.  "
	pub := rt.publish(t, req)

	if pub.Identifier != "PROC-2026-001" || pub.Label() != "PROC-2026-001 v1" || pub.Edition != 1 || pub.Language != "fr" {
		t.Errorf("publication %s (%s, edition %d)", pub.Label(), pub.Language, pub.Edition)
	}
	if pub.Content != text || pub.ContentSHA256 != workspace.ContentHash(text) || len(pub.ContentSHA256) != 64 {
		t.Errorf("content %q hash %s", pub.Content, pub.ContentSHA256)
	}
	if pub.Title != proc.Title || pub.Summary != proc.Summary || pub.Category != proc.Category || pub.Note != "Première publication." {
		t.Errorf("copied details %+v", pub)
	}
	if pub.EffectiveOn != "2026-12-07" || pub.PublishedBy == nil || *pub.PublishedBy != *rt.staff.AccountID || pub.PublishedAt.IsZero() {
		t.Errorf("dates %q %v by %v", pub.EffectiveOn, pub.PublishedAt, pub.PublishedBy)
	}

	e, err := rt.db.FindRegisterEntry(ctx, registerDay, 2026, 1)
	if err != nil {
		t.Fatal(err)
	}
	if e.ID != pub.EntryID || e.Status() != workspace.RegisterInForce || e.Procedures["fr"] != proc.ID || len(e.Procedures) != 1 {
		t.Errorf("entry %+v", e)
	}
	if cur := e.CurrentIn("fr"); cur == nil || cur.ID != pub.ID || cur.Content != text || e.CurrentIn("ar") != nil {
		t.Errorf("current editions %+v", e.Current)
	}
	if byProc, err := rt.db.FindProcedureEntry(ctx, registerDay, proc.ID); err != nil || byProc.ID != e.ID {
		t.Errorf("FindProcedureEntry: %v, %v", byProc, err)
	}
	got, err := rt.db.FindPublication(ctx, e.ID, "fr", 1)
	if err != nil || got.ID != pub.ID || got.Content != text || got.Identifier != "PROC-2026-001" || got.VersionID != pub.VersionID {
		t.Errorf("FindPublication: %+v, %v", got, err)
	}
	year, seq, ok := workspace.ParseIdentifier(strings.ToLower(pub.Identifier))
	if !ok || year != 2026 || seq != 1 {
		t.Errorf("ParseIdentifier(%q) = %d, %d, %v", pub.Identifier, year, seq, ok)
	}

	entries := mustAuditEntries(t, rt.db, workspace.AuditFilter{Action: workspace.AuditPublicationPublish})
	if len(entries) != 1 || entries[0].EntityType != "register_entry" || entries[0].EntityID != e.ID {
		t.Fatalf("audit entries %+v", entries)
	}
	after := entries[0].After
	if !strings.Contains(after, pub.ContentSHA256) || !strings.Contains(after, "PROC-2026-001") || strings.Contains(after, "le jour même") {
		t.Errorf("audit details %s: want the hash and identifier, never the text", after)
	}

	t.Run("ENOTFOUND", func(t *testing.T) {
		for _, f := range []func() error{
			func() error { _, err := rt.db.FindRegisterEntry(ctx, registerDay, 2026, 2); return err },
			func() error { _, err := rt.db.FindRegisterEntryByID(ctx, registerDay, 999); return err },
			func() error { _, err := rt.db.FindPublication(ctx, e.ID, "fr", 2); return err },
			func() error { _, err := rt.db.FindPublication(ctx, e.ID, "ar", 1); return err },
			func() error { _, err := rt.db.FindProcedureEntry(ctx, registerDay, proc.ID+100); return err },
		} {
			wantCode(t, f(), workspace.ENOTFOUND)
		}
	})
}

// TestPublishIdentifiers numbers entries per year from 1, with the next
// free rank, and gives each edition of an entry the next number in its
// language.
func TestPublishIdentifiers(t *testing.T) {
	rt := newRegisterTable(t)
	var got []string
	for _, year := range []int{2026, 2026, 2027, 2026, 2027} {
		p := rt.adopted(t, "Procédure", "fr", "texte")
		req := request(p, 1)
		req.Year = year
		got = append(got, rt.publish(t, req).Identifier)
	}
	want := []string{"PROC-2026-001", "PROC-2026-002", "PROC-2027-001", "PROC-2026-003", "PROC-2027-002"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("identifiers %v, want %v", got, want)
	}

	p := rt.adopted(t, "Éditions", "fr", "un", "deux", "trois")
	first := rt.publish(t, request(p, 1))
	// A later version may be published while an earlier one is not.
	third := rt.publish(t, request(p, 3))
	if first.Label() != "PROC-2026-004 v1" || third.Label() != "PROC-2026-004 v2" || third.VersionNumber != 3 {
		t.Errorf("editions %s, %s (version %d)", first.Label(), third.Label(), third.VersionNumber)
	}
	// The version skipped can no longer follow (TestPublishRefusesVersionOlderThanPublished).
	if _, err := rt.db.Publish(context.Background(), rt.staff, request(p, 2)); workspace.ErrorCode(err) != workspace.ECONFLICT {
		t.Errorf("version 2 after version 3: %v", err)
	}
	eds, err := rt.db.FindPublications(context.Background(), first.EntryID, "fr")
	if err != nil {
		t.Fatal(err)
	}
	if len(eds) != 2 || eds[0].Edition != 2 || eds[1].Edition != 1 || eds[0].Content != "trois" {
		t.Errorf("FindPublications: %d editions, first %+v", len(eds), eds[0])
	}
	if cur := rt.entry(t, first.EntryID).CurrentIn("fr"); cur.Edition != 2 {
		t.Errorf("current edition %d, want 2", cur.Edition)
	}
}

// TestPublishRace publishes several procedures at once: each new entry
// has a rank of its own.
func TestPublishRace(t *testing.T) {
	rt := newRegisterTable(t)
	const n = 8
	procs := make([]*workspace.Procedure, n)
	for i := range procs {
		procs[i] = rt.adopted(t, "Procédure concurrente", "fr", "texte")
	}
	var wg sync.WaitGroup
	pubs := make([]*workspace.Publication, n)
	errs := make([]error, n)
	for i := range procs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			pubs[i], errs[i] = rt.db.Publish(context.Background(), rt.staff, request(procs[i], 1))
		}()
	}
	wg.Wait()
	seen := map[string]bool{}
	for i, err := range errs {
		if err != nil {
			t.Fatalf("Publish %d: %v", i, err)
		}
		if seen[pubs[i].Identifier] {
			t.Errorf("identifier %s given twice", pubs[i].Identifier)
		}
		seen[pubs[i].Identifier] = true
	}
	for seq := 1; seq <= n; seq++ {
		if id := workspace.FormatIdentifier(2026, seq); !seen[id] {
			t.Errorf("no entry %s", id)
		}
	}
}

// TestPublishRefused refuses, writing nothing: a version not adopted, one
// already published, a member or a stakeholder, an invalid request, a
// missing version.
func TestPublishRefused(t *testing.T) {
	ctx := context.Background()
	rt := newRegisterTable(t)
	proc := rt.procedure(t, "Orientation", "fr", workspace.CategoryReferralPathway, "un", "deux")
	rt.adopt(t, proc, 1)
	rt.publish(t, request(proc, 1))

	for _, tt := range []struct {
		name  string
		actor workspace.Actor
		req   *workspace.PublishRequest
		code  string
		key   string
	}{
		{"NotAdopted", rt.staff, request(proc, 2), workspace.ECONFLICT, "error.publication.not_adopted"},
		{"AlreadyPublished", rt.staff, request(proc, 1), workspace.ECONFLICT, "error.publication.already_published"},
		{"Member", rt.member, request(proc, 2), workspace.EFORBIDDEN, ""},
		{"Stakeholder", rt.stakeholder, request(proc, 2), workspace.EFORBIDDEN, ""},
		{"Nobody", workspace.Actor{}, request(proc, 2), workspace.EFORBIDDEN, ""},
		{"NoVersion", rt.staff, request(proc, 9), workspace.ENOTFOUND, ""},
		{"NoProcedure", rt.staff, &workspace.PublishRequest{ProcedureID: proc.ID + 50, VersionNumber: 1, EffectiveOn: "2026-12-07", Year: 2026}, workspace.ENOTFOUND, ""},
		{"EffectiveOn", rt.staff, &workspace.PublishRequest{ProcedureID: proc.ID, VersionNumber: 2, EffectiveOn: "07/12/2026", Year: 2026}, workspace.EINVALID, "error.publication.effective_on_invalid"},
		{"Year", rt.staff, &workspace.PublishRequest{ProcedureID: proc.ID, VersionNumber: 2, EffectiveOn: "2026-12-07"}, workspace.EINVALID, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rt.mustUnchanged(t, tt.code, func() error {
				_, err := rt.db.Publish(ctx, tt.actor, tt.req)
				if tt.key != "" {
					if e, ok := err.(*workspace.Error); !ok || e.Key != tt.key {
						t.Errorf("error %v, want key %s", err, tt.key)
					}
				}
				return err
			})
		})
	}

	// The account is read again in the transaction: a secretariat made
	// member after the request read it is refused.
	rt.adopt(t, proc, 2)
	acc, err := rt.db.FindAccountByID(ctx, *rt.staff.AccountID)
	if err != nil {
		t.Fatal(err)
	}
	acc.Role = workspace.RoleMember
	if err := rt.db.UpdateAccount(ctx, systemActor, acc); err != nil {
		t.Fatal(err)
	}
	rt.mustUnchanged(t, workspace.EFORBIDDEN, func() error {
		_, err := rt.db.Publish(ctx, rt.staff, request(proc, 2))
		return err
	})
}

// TestPublishTranslation publishes an Arabic procedure as the translation
// of a French entry: it joins the entry, whose later Arabic editions then
// go there; a second Arabic procedure is refused, as are entries that do
// not exist or are withdrawn.
func TestPublishTranslation(t *testing.T) {
	ctx := context.Background()
	rt := newRegisterTable(t)
	fr := rt.adopted(t, "Orientation des migrants de retour", "fr", "# Orientation\n")
	ar := rt.adopted(t, "توجيه المهاجرين العائدين", "ar", "# التوجيه\n", "# التوجيه المحيّن\n")
	other := rt.adopted(t, "ترجمة ثانية", "ar", "# ترجمة\n")
	frPub := rt.publish(t, request(fr, 1))

	req := request(ar, 1)
	req.TranslationOf = frPub.EntryID
	arPub := rt.publish(t, req)
	if arPub.EntryID != frPub.EntryID || arPub.Identifier != frPub.Identifier || arPub.Edition != 1 || arPub.Language != "ar" {
		t.Fatalf("translation %s in %s, entry %d, want entry %d", arPub.Label(), arPub.Language, arPub.EntryID, frPub.EntryID)
	}
	e := rt.entry(t, frPub.EntryID)
	if e.Procedures["fr"] != fr.ID || e.Procedures["ar"] != ar.ID {
		t.Errorf("procedures %v", e.Procedures)
	}
	if len(e.Current) != 2 || e.Current[0].Language != "fr" || e.Current[1].Language != "ar" {
		t.Errorf("current editions %+v, want French then Arabic", e.Current)
	}
	if byProc, err := rt.db.FindProcedureEntry(ctx, registerDay, ar.ID); err != nil || byProc.ID != e.ID {
		t.Errorf("FindProcedureEntry(ar): %v, %v", byProc, err)
	}
	// The Arabic procedure's next edition goes to the entry on its own,
	// and naming the entry again changes nothing.
	again := request(ar, 2)
	again.TranslationOf = e.ID
	if p := rt.publish(t, again); p.EntryID != e.ID || p.Edition != 2 {
		t.Errorf("second Arabic edition %s in entry %d", p.Label(), p.EntryID)
	}

	t.Run("LanguageTaken", func(t *testing.T) {
		req := request(other, 1)
		req.TranslationOf = e.ID
		rt.mustUnchanged(t, workspace.ECONFLICT, func() error { _, err := rt.db.Publish(ctx, rt.staff, req); return err })
	})
	t.Run("SameLanguage", func(t *testing.T) {
		fr2 := rt.adopted(t, "Autre texte français", "fr", "texte")
		req := request(fr2, 1)
		req.TranslationOf = e.ID
		rt.mustUnchanged(t, workspace.ECONFLICT, func() error { _, err := rt.db.Publish(ctx, rt.staff, req); return err })
	})
	t.Run("UnknownEntry", func(t *testing.T) {
		req := request(other, 1)
		req.TranslationOf = 999
		rt.mustUnchanged(t, workspace.EINVALID, func() error { _, err := rt.db.Publish(ctx, rt.staff, req); return err })
	})
	t.Run("AlreadyInAnotherEntry", func(t *testing.T) {
		solo := rt.adopted(t, "إجراء مستقل", "ar", "أ", "ب")
		soloPub := rt.publish(t, request(solo, 1))
		req := request(solo, 2)
		req.TranslationOf = e.ID
		rt.mustUnchanged(t, workspace.EINVALID, func() error { _, err := rt.db.Publish(ctx, rt.staff, req); return err })
		if soloPub.EntryID == e.ID {
			t.Error("the procedure joined the entry")
		}
	})
	t.Run("LanguageChanged", func(t *testing.T) {
		// A procedure's language is fixed once a version is frozen, so
		// UpdateProcedure refuses to change it; should it change all the
		// same (by hand in the database), a procedure whose language
		// changed after it entered the register publishes nothing more.
		moved := rt.adopted(t, "Procédure traduite sur place", "fr", "texte", "نص")
		rt.publish(t, request(moved, 1))
		moved.Language = "ar"
		rt.mustUnchanged(t, workspace.ECONFLICT, func() error { return rt.db.UpdateProcedure(ctx, rt.member, moved) })
		conn, err := sql.Open("sqlite3", "file:"+rt.db.Path())
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		if _, err := conn.Exec(`UPDATE procedures SET language = 'ar' WHERE id = ?`, moved.ID); err != nil {
			t.Fatal(err)
		}
		rt.mustUnchanged(t, workspace.ECONFLICT, func() error { _, err := rt.db.Publish(ctx, rt.staff, request(moved, 2)); return err })
	})
	t.Run("Withdrawn", func(t *testing.T) {
		gone := rt.adopted(t, "Procédure retirée", "fr", "texte")
		gonePub := rt.publish(t, request(gone, 1))
		if err := rt.db.WithdrawEntry(ctx, rt.staff, gonePub.EntryID, "Abrogée.", 0); err != nil {
			t.Fatal(err)
		}
		req := request(other, 1)
		req.TranslationOf = gonePub.EntryID
		rt.mustUnchanged(t, workspace.ECONFLICT, func() error { _, err := rt.db.Publish(ctx, rt.staff, req); return err })
	})
}

// TestPublishSupersedes publishes an entry that replaces another: the
// other is marked superseded by it; an entry cannot replace itself, one
// that does not exist, one withdrawn or one already replaced.
func TestPublishSupersedes(t *testing.T) {
	ctx := context.Background()
	rt := newRegisterTable(t)
	old := rt.publish(t, request(rt.adopted(t, "Ancien accueil", "fr", "ancien"), 1))
	newer := rt.adopted(t, "Nouvel accueil", "fr", "nouveau", "nouveau bis")
	req := request(newer, 1)
	req.Supersedes = old.EntryID
	pub := rt.publish(t, req)
	if pub.Supersedes == nil || *pub.Supersedes != old.EntryID || pub.SupersedesIdentifier != old.Identifier {
		t.Errorf("supersedes %v %q", pub.Supersedes, pub.SupersedesIdentifier)
	}
	o := rt.entry(t, old.EntryID)
	if o.Status() != workspace.RegisterSuperseded || o.ReplacedBy == nil || *o.ReplacedBy != pub.EntryID || o.ReplacedByIdentifier != pub.Identifier {
		t.Errorf("replaced entry %s: %s by %q", o.Identifier(), o.Status(), o.ReplacedByIdentifier)
	}
	if got, err := rt.db.FindPublication(ctx, pub.EntryID, "fr", 1); err != nil || got.SupersedesIdentifier != old.Identifier {
		t.Errorf("FindPublication: %+v, %v", got, err)
	}
	if n := rt.entry(t, pub.EntryID); n.Status() != workspace.RegisterInForce {
		t.Errorf("new entry %s", n.Status())
	}

	withdrawn := rt.publish(t, request(rt.adopted(t, "Retirée", "fr", "r"), 1))
	if err := rt.db.WithdrawEntry(ctx, rt.staff, withdrawn.EntryID, "Abrogée.", 0); err != nil {
		t.Fatal(err)
	}
	inForce := rt.publish(t, request(rt.adopted(t, "En vigueur", "fr", "v"), 1))
	for _, tt := range []struct {
		name       string
		supersedes int64
	}{
		{"Itself", pub.EntryID},
		{"Unknown", 999},
		{"Withdrawn", withdrawn.EntryID},
		{"AlreadyReplaced", old.EntryID},
	} {
		t.Run(tt.name, func(t *testing.T) {
			req := request(newer, 2)
			req.Supersedes = tt.supersedes
			rt.mustUnchanged(t, workspace.EINVALID, func() error { _, err := rt.db.Publish(ctx, rt.staff, req); return err })
		})
	}
	t.Run("ByAReplacedEntry", func(t *testing.T) {
		// The replaced entry takes no next edition, which could replace
		// its replacement in turn, or any other entry
		// (TestPublishRefusesEditionIntoSupersededEntry).
		replacedProc, err := rt.db.FindProcedureByID(ctx, old.ProcedureID)
		if err != nil {
			t.Fatal(err)
		}
		if err := rt.db.CreateVersion(ctx, rt.member, replacedProc.ID, 0, "ancien bis", &workspace.Version{Message: "Bis"}); err != nil {
			t.Fatal(err)
		}
		rt.adopt(t, replacedProc, 2)
		req := request(replacedProc, 2)
		req.Supersedes = inForce.EntryID
		rt.mustUnchanged(t, workspace.ECONFLICT, func() error { _, err := rt.db.Publish(ctx, rt.staff, req); return err })
	})
}

// TestPublicationKeepsItsCopy changes a published procedure's details: the
// published edition keeps what was published.
func TestPublicationKeepsItsCopy(t *testing.T) {
	ctx := context.Background()
	rt := newRegisterTable(t)
	proc := rt.adopted(t, "Titre publié", "fr", "Texte publié.")
	pub := rt.publish(t, request(proc, 1))

	proc.Title, proc.Summary, proc.Category = "Titre modifié", "Résumé modifié", workspace.CategoryServiceStandard
	if err := rt.db.UpdateProcedure(ctx, rt.member, proc); err != nil {
		t.Fatal(err)
	}
	if err := rt.db.CreateVersion(ctx, rt.member, proc.ID, 0, "Texte suivant.", &workspace.Version{Message: "Suite"}); err != nil {
		t.Fatal(err)
	}
	got, err := rt.db.FindPublication(ctx, pub.EntryID, "fr", 1)
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != "Titre publié" || got.Summary != "Résumé de Titre publié" || got.Category != workspace.CategoryReferralPathway ||
		got.Content != "Texte publié." || got.ContentSHA256 != workspace.ContentHash("Texte publié.") {
		t.Errorf("published edition changed: %+v", got)
	}
	if e := rt.entry(t, pub.EntryID); e.Category != workspace.CategoryReferralPathway {
		t.Errorf("entry category %s before its next publication", e.Category)
	}
	// The next edition takes the procedure's details as they are then,
	// and the entry its category.
	rt.adopt(t, proc, 2)
	next := rt.publish(t, request(proc, 2))
	if next.Title != "Titre modifié" || next.Category != workspace.CategoryServiceStandard {
		t.Errorf("next edition %+v", next)
	}
	if e := rt.entry(t, pub.EntryID); e.Category != workspace.CategoryServiceStandard {
		t.Errorf("entry category %s after its next publication", e.Category)
	}
}

// TestWithdrawEntry withdraws an entry with a reason and its replacement:
// it stays readable, withdrawn; a reason is required, the replacement must
// be another entry in force, a second withdrawal is a conflict, and
// nothing more is published into it.
func TestWithdrawEntry(t *testing.T) {
	ctx := context.Background()
	rt := newRegisterTable(t)
	proc := rt.adopted(t, "Ancienne orientation", "fr", "ancien", "ancien bis")
	old := rt.publish(t, request(proc, 1))
	repl := rt.publish(t, request(rt.adopted(t, "Nouvelle orientation", "fr", "nouveau"), 1))
	gone := rt.publish(t, request(rt.adopted(t, "Autre", "fr", "autre"), 1))
	if err := rt.db.WithdrawEntry(ctx, rt.staff, gone.EntryID, "Sans objet.", 0); err != nil {
		t.Fatal(err)
	}

	for _, tt := range []struct {
		name       string
		actor      workspace.Actor
		entry      int64
		reason     string
		replacedBy int64
		code       string
	}{
		{"NoReason", rt.staff, old.EntryID, "   ", repl.EntryID, workspace.EINVALID},
		{"LongReason", rt.staff, old.EntryID, strings.Repeat("x", workspace.MaxWithdrawalReason+1), 0, workspace.EINVALID},
		{"ReplacedByItself", rt.staff, old.EntryID, "Remplacée.", old.EntryID, workspace.EINVALID},
		{"ReplacedByUnknown", rt.staff, old.EntryID, "Remplacée.", 999, workspace.EINVALID},
		{"ReplacedByWithdrawn", rt.staff, old.EntryID, "Remplacée.", gone.EntryID, workspace.EINVALID},
		{"Member", rt.member, old.EntryID, "Remplacée.", repl.EntryID, workspace.EFORBIDDEN},
		{"Stakeholder", rt.stakeholder, old.EntryID, "Remplacée.", 0, workspace.EFORBIDDEN},
		{"UnknownEntry", rt.staff, 999, "Remplacée.", 0, workspace.ENOTFOUND},
		{"AlreadyWithdrawn", rt.staff, gone.EntryID, "Encore.", 0, workspace.ECONFLICT},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rt.mustUnchanged(t, tt.code, func() error {
				return rt.db.WithdrawEntry(ctx, tt.actor, tt.entry, tt.reason, tt.replacedBy)
			})
		})
	}

	reason := "Remplacée par la procédure d'orientation révisée en 2026."
	if err := rt.db.WithdrawEntry(ctx, rt.staff, old.EntryID, "  "+reason+"\n", repl.EntryID); err != nil {
		t.Fatal(err)
	}
	e := rt.entry(t, old.EntryID)
	if e.Status() != workspace.RegisterWithdrawn || e.WithdrawnAt == nil || e.WithdrawalReason != reason ||
		e.ReplacedByIdentifier != repl.Identifier || e.CurrentIn("fr") == nil || e.CurrentIn("fr").Content != "ancien" {
		t.Errorf("withdrawn entry %+v", e)
	}
	entries := mustAuditEntries(t, rt.db, workspace.AuditFilter{Action: workspace.AuditRegisterWithdraw, EntityID: &old.EntryID})
	if len(entries) != 1 || entries[0].EntityType != "register_entry" || !strings.Contains(entries[0].After, "withdrawn") ||
		!strings.Contains(entries[0].Before, "in_force") || !strings.Contains(entries[0].After, repl.Identifier) {
		t.Errorf("audit entries %+v", entries)
	}

	t.Run("Twice", func(t *testing.T) {
		rt.mustUnchanged(t, workspace.ECONFLICT, func() error { return rt.db.WithdrawEntry(ctx, rt.staff, old.EntryID, "Encore.", 0) })
	})
	t.Run("NoMoreEditions", func(t *testing.T) {
		// Version 2 is adopted (rt.adopted), not yet published: it goes
		// into a new entry (TestPublishAfterWithdrawal), never this one.
		pub := rt.publish(t, request(proc, 2))
		if pub.EntryID == old.EntryID {
			t.Errorf("version 2 was published into the withdrawn entry %s", old.Identifier)
		}
		if e := rt.entry(t, old.EntryID); e.Status() != workspace.RegisterWithdrawn || len(e.Current) != 1 || e.Current[0].ID != old.ID {
			t.Errorf("the withdrawn entry after version 2 = %+v", e)
		}
	})
	t.Run("KeepsTheSupersedingEntry", func(t *testing.T) {
		a := rt.publish(t, request(rt.adopted(t, "A", "fr", "a"), 1))
		req := request(rt.adopted(t, "B", "fr", "b"), 1)
		req.Supersedes = a.EntryID
		b := rt.publish(t, req)
		if err := rt.db.WithdrawEntry(ctx, rt.staff, a.EntryID, "Remplacée.", 0); err != nil {
			t.Fatal(err)
		}
		if e := rt.entry(t, a.EntryID); e.Status() != workspace.RegisterWithdrawn || e.ReplacedByIdentifier != b.Identifier {
			t.Errorf("entry %s %s replaced by %q", e.Identifier(), e.Status(), e.ReplacedByIdentifier)
		}
	})
}

// TestRegisterReads lists the register: entries by category then
// identifier with their current editions and no text, the index, the
// latest publications, a procedure's publications, and the check by hash.
func TestRegisterReads(t *testing.T) {
	ctx := context.Background()
	rt := newRegisterTable(t)
	other := rt.procedure(t, "Autre", "fr", workspace.CategoryOther, "autre")
	rt.adopt(t, other, 1)
	standard := rt.procedure(t, "Norme", "fr", workspace.CategoryServiceStandard, "norme")
	rt.adopt(t, standard, 1)
	pathway := rt.adopted(t, "Parcours", "fr", "parcours", "parcours bis")
	pathwayAr := rt.adopted(t, "مسار", "ar", "مسار")

	first := rt.publish(t, request(other, 1)) // PROC-2026-001, other
	rt.publish(t, request(standard, 1))       // PROC-2026-002, service standard
	p1 := rt.publish(t, request(pathway, 1))  // PROC-2026-003, referral pathway
	p2 := rt.publish(t, request(pathway, 2))  // its second edition
	tr := request(pathwayAr, 1)               // its Arabic edition
	tr.TranslationOf = p1.EntryID
	ar := rt.publish(t, tr)

	entries, err := rt.db.FindRegisterEntries(ctx, registerDay)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, e := range entries {
		ids = append(ids, e.Identifier()+":"+string(e.Category))
		for _, c := range e.Current {
			if c.Content != "" {
				t.Errorf("%s: content filled in the list", c.Label())
			}
		}
	}
	want := "PROC-2026-003:referral_pathway PROC-2026-002:service_standard PROC-2026-001:other"
	if strings.Join(ids, " ") != want {
		t.Errorf("entries %v, want %s", ids, want)
	}
	if cur := entries[0].Current; len(cur) != 2 || cur[0].ID != p2.ID || cur[1].ID != ar.ID {
		t.Errorf("current editions of %s: %+v", entries[0].Identifier(), cur)
	}

	index, err := rt.db.FindPublicationIndex(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var labels []string
	for _, p := range index {
		labels = append(labels, p.Label()+p.Language)
		if p.Content != "" || p.ContentSHA256 == "" {
			t.Errorf("%s: index content %q hash %q", p.Label(), p.Content, p.ContentSHA256)
		}
	}
	if got := strings.Join(labels, " "); got != "PROC-2026-001 v1fr PROC-2026-002 v1fr PROC-2026-003 v1fr PROC-2026-003 v2fr PROC-2026-003 v1ar" {
		t.Errorf("index %s", got)
	}

	latest, err := rt.db.FindLatestPublications(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(latest) != 2 || latest[0].ID != ar.ID || latest[1].ID != p2.ID || latest[0].Content != "مسار" {
		t.Errorf("latest publications %+v", latest)
	}
	if all, err := rt.db.FindLatestPublications(ctx, 0); err != nil || len(all) != 1 {
		t.Errorf("FindLatestPublications(0): %d, %v; want the one latest", len(all), err)
	}
	// In force only: not the first edition of the pathway, which its
	// second replaced, nor the withdrawn entry.
	if err := rt.db.WithdrawEntry(ctx, rt.staff, first.EntryID, "Abrogée.", 0); err != nil {
		t.Fatal(err)
	}
	inForce, err := rt.db.FindLatestInForce(ctx, registerDay, 10)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range inForce {
		got = append(got, p.Label()+p.Language)
	}
	if strings.Join(got, " ") != "PROC-2026-003 v1ar PROC-2026-003 v2fr PROC-2026-002 v1fr" {
		t.Errorf("latest in force: %v", got)
	}

	byVersion, err := rt.db.FindProcedurePublications(ctx, pathway.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(byVersion) != 2 || byVersion[1].ID != p1.ID || byVersion[2].ID != p2.ID || byVersion[2].Content != "" {
		t.Errorf("FindProcedurePublications %+v", byVersion)
	}
	if none, err := rt.db.FindProcedurePublications(ctx, pathway.ID+100); err != nil || len(none) != 0 {
		t.Errorf("FindProcedurePublications(unknown): %v, %v", none, err)
	}

	t.Run("ByHash", func(t *testing.T) {
		sha := workspace.ContentHash("autre")
		for _, q := range []string{sha, strings.ToUpper(sha), " " + sha + "\n"} {
			found, err := rt.db.FindPublicationsByHash(ctx, q)
			if err != nil || len(found) != 1 || found[0].ID != first.ID || found[0].Content != "" {
				t.Errorf("FindPublicationsByHash(%q): %+v, %v", q, found, err)
			}
		}
		for _, q := range []string{"", "autre", sha[:63], sha + "0", "' OR 1=1 --", workspace.ContentHash("jamais publié")} {
			if found, err := rt.db.FindPublicationsByHash(ctx, q); err != nil || len(found) != 0 {
				t.Errorf("FindPublicationsByHash(%q): %d found, %v", q, len(found), err)
			}
		}
	})
}

// TestSearchPublications searches the register: French without accents
// or case, Arabic with its variants, a title match first, the latest
// edition only, and a query written as FTS5 syntax as plain words.
func TestSearchPublications(t *testing.T) {
	ctx := context.Background()
	rt := newRegisterTable(t)
	titled := rt.adopted(t, "Délivrance de l'état civil", "fr", "# Démarche\n\nLa mairie délivre un extrait.\n")
	body := rt.adopted(t, "Accueil au guichet", "fr",
		"# Accueil\n\nLe guichet oriente vers la délivrance de l'état civil une fois l'accueil fait.\n",
		"# Accueil\n\nLe guichet oriente vers la municipalité.\n")
	arabic := rt.adopted(t, "توجيه المهاجرين", "ar", "# الهجرة\n\nيستقبل الشبّاك المُهاجِر العائد.\n")

	tPub := rt.publish(t, request(titled, 1))
	bPub := rt.publish(t, request(body, 1))
	tr := request(arabic, 1)
	tr.TranslationOf = bPub.EntryID
	aPub := rt.publish(t, tr)

	find := func(t *testing.T, q string) []*sqlite.PublicationHit {
		t.Helper()
		found, err := rt.db.SearchPublications(ctx, registerDay, q, 10)
		if err != nil {
			t.Fatalf("SearchPublications(%q): %v", q, err)
		}
		return found
	}
	labels := func(ps []*sqlite.PublicationHit) string {
		var s []string
		for _, p := range ps {
			s = append(s, p.Label()+p.Language)
		}
		return strings.Join(s, " ")
	}

	// The title counts more than the text.
	if got := find(t, "ETAT CIVIL delivrance"); labels(got) != tPub.Label()+"fr "+bPub.Label()+"fr" || got[0].Content == "" {
		t.Errorf("search by title: %s", labels(got))
	}
	for _, q := range []string{"mairie", "MAIRIE"} {
		if got := find(t, q); labels(got) != tPub.Label()+"fr" {
			t.Errorf("search %q: %s", q, labels(got))
		}
	}
	// The verb finds its noun as well (its stem "deliv" is looked for
	// too): the entry titled "Délivrance" first, then the one whose
	// text says "délivrance".
	for _, q := range []string{"Délivre", "délivré"} {
		if got := find(t, q); labels(got) != tPub.Label()+"fr "+bPub.Label()+"fr" {
			t.Errorf("search %q: %s", q, labels(got))
		}
	}
	for _, q := range []string{"الهجره", "المُهاجِر", "المهاجر", "الشباك", "توجيه"} {
		if got := find(t, q); len(got) != 1 || got[0].ID != aPub.ID {
			t.Errorf("search %q: %s", q, labels(got))
		}
	}
	for _, q := range []string{"", "  ", "*", "?!", `"`} {
		if got := find(t, q); len(got) != 0 {
			t.Errorf("search %q: %s, want nothing", q, labels(got))
		}
	}
	for _, q := range []string{`title:mairie`, `mairie OR guichet`, `NEAR(mairie guichet)`, `"mairie`, `mairie*`, `-mairie`, `^mairie`, `mairie AND`, `(`} {
		if _, err := rt.db.SearchPublications(ctx, registerDay, q, 10); err != nil {
			t.Errorf("search %q: %v", q, err)
		}
	}
	if got := find(t, "mairie OR guichet"); len(got) != 0 {
		t.Errorf("OR acted as syntax: %s", labels(got))
	}

	// The second edition replaces the first in what is found.
	rt.publish(t, request(body, 2))
	if got := find(t, "guichet"); labels(got) != bPub.Identifier+" v2fr" {
		t.Errorf("after the second edition, search guichet: %s", labels(got))
	}
	if got := find(t, "municipalite"); len(got) != 1 || got[0].Edition != 2 {
		t.Errorf("search the new text: %s", labels(got))
	}
	if got := find(t, "accueil fait"); len(got) != 0 {
		t.Errorf("the first edition's words are still found: %s", labels(got))
	}
	if got := find(t, "délivrance"); labels(got) != tPub.Label()+"fr" {
		t.Errorf("search délivrance: %s", labels(got))
	}
	if n := mustCountRows(t, rt.db, "publications_fts"); n != 4 {
		t.Errorf("%d rows indexed, want 4 (every edition)", n)
	}
	// A withdrawn entry stays found, since it stays readable, but after
	// those in force, whatever its rank: "mairie" is in the short text of
	// the entry withdrawn below, and in a longer one of an entry in force.
	long := rt.adopted(t, "Orientation des familles", "fr",
		"# Familles\n\nLa famille est reçue, écoutée, puis orientée selon ses besoins ; pour un extrait d'acte, "+
			"elle s'adresse à la mairie de sa commune de résidence, qui le délivre sur place.\n")
	lPub := rt.publish(t, request(long, 1))
	if got := find(t, "mairie"); len(got) != 2 || got[0].ID != tPub.ID || got[0].EntryStatus != workspace.RegisterInForce {
		t.Fatalf("before the withdrawal: %s", labels(got))
	}
	if err := rt.db.WithdrawEntry(ctx, rt.staff, tPub.EntryID, "Abrogée.", 0); err != nil {
		t.Fatal(err)
	}
	if got := find(t, "mairie"); len(got) != 2 || got[0].ID != lPub.ID || got[0].EntryStatus != workspace.RegisterInForce ||
		got[1].ID != tPub.ID || got[1].EntryStatus != workspace.RegisterWithdrawn {
		t.Errorf("after the withdrawal, want the entry in force first, then the withdrawn one: %s", labels(got))
	}
	// An entry that another replaces comes between the two.
	newer := rt.adopted(t, "Orientation des familles, nouvelle édition", "fr", "# Familles\n\nLe guichet reçoit la famille et l'oriente.\n")
	replace := request(newer, 1)
	replace.Supersedes = lPub.EntryID
	nPub := rt.publish(t, replace)
	if got := find(t, "famille"); len(got) != 2 || got[0].ID != nPub.ID || got[1].EntryStatus != workspace.RegisterSuperseded {
		t.Errorf("a superseded entry: %s", labels(got))
	}
	if got := find(t, "mairie"); len(got) != 2 || got[0].EntryStatus != workspace.RegisterSuperseded || got[1].EntryStatus != workspace.RegisterWithdrawn {
		t.Errorf("superseded before withdrawn: %s", labels(got))
	}
	// The limit.
	if got, err := rt.db.SearchPublications(ctx, registerDay, "guichet", 0); err != nil || len(got) != 1 {
		t.Errorf("limit 0: %d, %v", len(got), err)
	}
}
