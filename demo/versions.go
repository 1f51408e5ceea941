package demo

import (
	"context"
	"fmt"
	"strings"

	"tawla/workspace"
	"tawla/workspace/diff"
	"tawla/workspace/sqlite"
)

// revision is a change people made to a demo draft: who, what text they
// replaced with what.
type revision struct {
	email    string
	old, new string
}

// versionPlan is the history of one demo draft: v1 is the first text;
// revisions before v2 are frozen as v2 with its message; the later ones
// stay in the draft, so that "v2 → draft" shows a difference too.
type versionPlan struct {
	title    string
	messages [2]string
	beforeV2 []revision
	afterV2  []revision
}

var versionPlans = []versionPlan{
	{
		title:    procedures[0].title,
		messages: [2]string{"Première lecture en réunion plénière", "Après la réunion : délais précisés, référent unique"},
		beforeV2: []revision{
			{MemberEmail, "sous **10 jours\n   ouvrables**", "sous **7 jours\n   ouvrables**"},
			{"rim.sassi@demo.tn",
				"L'agent\n   remplit la fiche d'accueil, explique le parcours et remet la liste des\n   pièces.",
				"L'agent\n   remplit la fiche d'accueil avec la personne, désigne un référent unique\n   qui la suivra jusqu'au financement et remet la liste des pièces."},
			{MemberEmail, "| Accueil → rendez-vous d'orientation | 10 jours ouvrables |", "| Accueil → rendez-vous d'orientation | 7 jours ouvrables |"},
			{"rim.sassi@demo.tn", "- Faut-il un interlocuteur unique (« référent ») pour toute la durée du parcours ?\n", ""},
		},
		afterV2: []revision{
			{"hela.jaziri@demo.tn", "- [ ] Devis des équipements, s'il y en a\n", "- [ ] Devis des équipements, s'il y en a\n- [ ] Attestation d'inscription au bureau de l'emploi\n"},
		},
	},
	{
		title:    procedures[1].title,
		messages: [2]string{"القراءة الأولى في الجلسة العامة", "بعد الاجتماع: إضافة الإرشاد الفلاحي قبل التكوين وتقليص أجل الرد"},
		beforeV2: []revision{
			{"mounir.benamor@demo.tn", "والرد في أجل **30 يومًا**", "والرد في أجل **21 يومًا**"},
			{"salwa.chebbi@demo.tn", "- أفراد العائلة الذين يشاركون في المشروع.\n",
				"- أفراد العائلة الذين يشاركون في المشروع.\n- النساء العائدات اللواتي يبعثن مشروعًا فلاحيًا بمفردهن.\n"},
		},
		// v1 is adopted and published (polls.go, publications.go), so
		// draftAR reads as an adopted text: the questions for the next
		// version are opened in the draft only, after v2.
		afterV2: []revision{
			{"salwa.chebbi@demo.tn", "  التراتيب الجاري بها العمل.\n",
				"  التراتيب الجاري بها العمل.\n\n## 7. نقاط للنقاش في الاجتماع\n\n- هل نعيّن مرافقًا واحدًا لكل عائد طوال المسار؟\n"},
			{"mounir.benamor@demo.tn", "- هل نعيّن مرافقًا واحدًا لكل عائد طوال المسار؟\n",
				"- هل نعيّن مرافقًا واحدًا لكل عائد طوال المسار؟\n- Faut-il aligner les délais sur la version française du parcours ?\n"},
			{"adel.messaoudi@demo.tn", "- Faut-il aligner les délais sur la version française du parcours ?\n",
				"- Faut-il aligner les délais sur la version française du parcours ?\n- من يتابع الملفات التي يرفضها البنك؟\n"},
		},
	},
}

// loadVersions gives each demo procedure a v1 and a v2 with messages,
// made by the demo's people through ordinary updates of their drafts, so
// that `make run` shows versions, diffs and who wrote what.
func loadVersions(ctx context.Context, db *sqlite.DB, actor workspace.Actor) error {
	procs, err := db.FindProcedures(ctx)
	if err != nil {
		return err
	}
	byTitle := map[string]*workspace.Procedure{}
	for _, p := range procs {
		byTitle[p.Title] = p
	}
	for _, plan := range versionPlans {
		proc := byTitle[plan.title]
		if proc == nil {
			return fmt.Errorf("demo: versions: no procedure %q", plan.title)
		}
		if err := freezeDemoVersion(ctx, db, actor, proc, plan.messages[0]); err != nil {
			return err
		}
		if err := reviseDemoDraft(ctx, db, proc, plan.beforeV2); err != nil {
			return err
		}
		if err := freezeDemoVersion(ctx, db, actor, proc, plan.messages[1]); err != nil {
			return err
		}
		if err := reviseDemoDraft(ctx, db, proc, plan.afterV2); err != nil {
			return err
		}
	}
	return nil
}

// freezeDemoVersion freezes the draft as it is stored. The loader freezes
// as the system, like everything it writes to the audit log; the updates
// are the people's, so that the history shows who wrote what.
func freezeDemoVersion(ctx context.Context, db *sqlite.DB, by workspace.Actor, proc *workspace.Procedure, message string) error {
	text, version, err := storedText(ctx, db, proc.DocumentID)
	if err != nil {
		return err
	}
	if err := db.CreateVersion(ctx, by, proc.ID, version, text, &workspace.Version{Message: message}); err != nil {
		return fmt.Errorf("demo: freeze %q: %w", proc.Title, err)
	}
	return nil
}

// reviseDemoDraft stores each revision as an update by its author, as
// their editor would have sent it.
func reviseDemoDraft(ctx context.Context, db *sqlite.DB, proc *workspace.Procedure, revisions []revision) error {
	for i, rev := range revisions {
		author, err := db.FindAccountByEmail(ctx, rev.email)
		if err != nil {
			return fmt.Errorf("demo: revision by %s: %w", rev.email, err)
		}
		text, version, err := storedText(ctx, db, proc.DocumentID)
		if err != nil {
			return err
		}
		if !strings.Contains(text, rev.old) {
			return fmt.Errorf("demo: revision %d of %q: the draft has no %q", i, proc.Title, rev.old)
		}
		set, err := diff.Changes(text, strings.Replace(text, rev.old, rev.new, 1))
		if err != nil {
			return err
		}
		changes, err := set.MarshalJSON()
		if err != nil {
			return err
		}
		update := &workspace.DocumentUpdate{
			ClientID: "demo-" + rev.email, ClientSeq: int64(version + 1), Changes: string(changes), AccountID: &author.ID,
		}
		if err := db.AppendDocumentUpdates(ctx, proc.DocumentID, version, []*workspace.DocumentUpdate{update}); err != nil {
			return fmt.Errorf("demo: revision %d of %q: %w", i, proc.Title, err)
		}
	}
	return nil
}

// storedText rebuilds a draft's text from its snapshot and updates. The
// demo loads before any room opens, so the store holds the whole draft.
func storedText(ctx context.Context, db *sqlite.DB, docID int64) (string, int, error) {
	_, snap, updates, err := db.LoadDocument(ctx, docID)
	if err != nil {
		return "", 0, err
	}
	spans, err := workspace.Authorship(snap.Content, updates)
	if err != nil {
		return "", 0, err
	}
	var b strings.Builder
	for _, s := range spans {
		b.WriteString(s.Text)
	}
	return b.String(), snap.Version + len(updates), nil
}
