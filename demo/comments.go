package demo

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf16"

	"tawla/workspace"
	"tawla/workspace/sqlite"
)

// demoComment is one thread of the demo's table of observations: who
// comments on which words of which draft, what the secretariat answered,
// and what followed.
type demoComment struct {
	procedure string // the draft's language: the demo has one of each
	author    string // email
	passage   string // the words commented on, found in the draft
	body      string
	proposed  string // a suggested change when not ""
	reply     *demoReply
	answer    workspace.Answer
	reason    string
	resolved  bool
	rejected  bool // a suggestion rejected (with reason)
}

type demoReply struct {
	author, body string
}

// consultationDays is how long the demo's consultation on the French
// draft stays open after the demo is loaded.
const consultationDays = 21

// announcedDays is in how many days the demo's consultation on the Arabic
// draft opens: until then its page tells stakeholders when.
const announcedDays = 7

// comments are the demo's threads, in French and Arabic: comments with
// replies and answers, an open suggestion, a rejected one, and a resolved
// comment. The stakeholder comments during the consultation on the French
// draft, which stays open.
var comments = []demoComment{
	{
		procedure: "fr", author: StakeholderEmail, passage: "7 jours ouvrables",
		body:   "Sept jours ouvrables, c'est long pour une personne sans revenu : peut-on prévoir au moins un premier appel sous cinq jours ?",
		reply:  &demoReply{SecretariatEmail, "Nous en parlerons à la prochaine réunion avec la Direction régionale de l'emploi."},
		answer: workspace.AnswerPartly,
		reason: "Un premier appel aura lieu sous 5 jours ; le rendez-vous reste à 7 jours, faute de conseillers.",
	},
	{
		procedure: "fr", author: "hela.jaziri@demo.tn", passage: "Carte d'identité nationale",
		body:     "Certaines personnes rentrées n'ont pas encore leur carte renouvelée.",
		proposed: "Carte d'identité nationale ou, à défaut, récépissé de la demande de renouvellement",
	},
	{
		procedure: "fr", author: "fethi.hamdi@demo.tn", passage: "une page suffit",
		body:     "Une page, c'est trop peu pour un projet avec des équipements.",
		proposed: "deux pages au plus",
		rejected: true,
		reason:   "Une page suffit pour le premier contact ; le plan d'affaires vient ensuite, avec le conseiller.",
	},
	{
		procedure: "fr", author: "rim.sassi@demo.tn", passage: "visites à 3, 6 et 12 mois",
		body:     "Qui prend en charge les déplacements de l'association pour ces visites ?",
		answer:   workspace.AnswerAccepted,
		reason:   "Le programme partenaire rembourse les déplacements des visites de suivi.",
		resolved: true,
	},
	{
		procedure: "ar", author: "salwa.chebbi@demo.tn", passage: "**21 يومًا**",
		body:   "أجل واحد وعشرين يومًا طويل بالنسبة للمشاريع الفلاحية الموسمية، نقترح أجلًا مختصرًا قبل موسم البذر.",
		reply:  &demoReply{"adel.messaoudi@demo.tn", "نؤيد هذا المقترح، فقد فات الموسم على عائدين من سيدي علوان السنة الماضية."},
		answer: workspace.AnswerRejected,
		reason: "الأجل يحدده البنك ولا يمكن للطاولة تغييره، وستطلب الكتابة معالجة استثنائية للمشاريع الموسمية.",
	},
	{
		procedure: "ar", author: "mounir.benamor@demo.tn", passage: "قائمة الوثائق",
		body:     "يجب أن تكون القائمة مكتوبة بالعربية والفرنسية.",
		proposed: "قائمة الوثائق المطلوبة، مكتوبة بالعربية والفرنسية",
	},
}

// loadComments opens a consultation on the French draft and stores the
// demo's threads. No co-editing room is open while the demo loads, so the
// anchors are stored directly at the drafts' current version (the
// revisions of loadVersions came before).
func loadComments(ctx context.Context, db *sqlite.DB, actor workspace.Actor) error {
	procs, err := db.FindProcedures(ctx)
	if err != nil {
		return fmt.Errorf("demo: comments: %w", err)
	}
	byLang := map[string]*workspace.Procedure{}
	drafts := map[string]string{}
	versions := map[string]int{}
	for _, p := range procs {
		byLang[p.Language] = p
		text, version, err := db.LoadDocumentText(ctx, p.DocumentID)
		if err != nil {
			return fmt.Errorf("demo: comments: %w", err)
		}
		drafts[p.Language], versions[p.Language] = text.String(), version
	}
	fr := byLang["fr"]
	if fr == nil {
		return fmt.Errorf("demo: comments: no French procedure")
	}
	cons := &workspace.Consultation{ProcedureID: fr.ID, ClosesAt: db.Now().Add(consultationDays * 24 * time.Hour)}
	if err := db.OpenConsultation(ctx, actor, cons); err != nil {
		return fmt.Errorf("demo: consultation: %w", err)
	}
	// Every change is made by the demo's system actor, as the audit log
	// says; the comments and replies are in the names of their authors.
	authorOf := func(email string) (int64, error) {
		acc, err := db.FindAccountByEmail(ctx, email)
		if err != nil {
			return 0, fmt.Errorf("demo: comments: %s: %w", email, err)
		}
		return acc.ID, nil
	}
	for _, dc := range comments {
		proc, draft := byLang[dc.procedure], drafts[dc.procedure]
		i := strings.Index(draft, dc.passage)
		if proc == nil || i < 0 {
			return fmt.Errorf("demo: comments: %q is not in the %s draft", dc.passage, dc.procedure)
		}
		author, err := authorOf(dc.author)
		if err != nil {
			return err
		}
		// Positions count UTF-16 code units, as the editor does.
		from := len(utf16.Encode([]rune(draft[:i])))
		a := &workspace.Anchor{From: from, To: from + len(utf16.Encode([]rune(dc.passage))), Quote: dc.passage}
		c := &workspace.Comment{Kind: workspace.KindComment, Body: dc.body, AuthorID: author}
		if dc.proposed != "" {
			c.Kind, c.Proposed = workspace.KindSuggestion, dc.proposed
		}
		err = db.CreateDocumentAnchor(ctx, proc.DocumentID, versions[dc.procedure], a, func(ctx context.Context, tx *sqlite.Tx, a *workspace.Anchor) error {
			return tx.CreateComment(ctx, actor, a, c)
		})
		if err != nil {
			return fmt.Errorf("demo: comment on %q: %w", dc.passage, err)
		}
		if dc.reply != nil {
			replier, err := authorOf(dc.reply.author)
			if err != nil {
				return err
			}
			if err := db.CreateReply(ctx, actor, c.ID, &workspace.Comment{Body: dc.reply.body, AuthorID: replier}); err != nil {
				return fmt.Errorf("demo: reply on %q: %w", dc.passage, err)
			}
		}
		if dc.rejected {
			if _, err := db.RejectSuggestion(ctx, actor, c.ID, dc.reason); err != nil {
				return fmt.Errorf("demo: reject %q: %w", dc.passage, err)
			}
		}
		if dc.answer != workspace.AnswerNone {
			if _, err := db.AnswerComment(ctx, actor, c.ID, dc.answer, dc.reason); err != nil {
				return fmt.Errorf("demo: answer on %q: %w", dc.passage, err)
			}
		}
		if dc.resolved {
			if _, err := db.SetCommentResolved(ctx, actor, c.ID, true); err != nil {
				return fmt.Errorf("demo: resolve %q: %w", dc.passage, err)
			}
		}
	}
	// The Arabic draft's consultation is announced: it opens in a week,
	// for three weeks.
	if ar := byLang["ar"]; ar != nil {
		opens := db.Now().Add(announcedDays * 24 * time.Hour)
		announced := &workspace.Consultation{ProcedureID: ar.ID, OpensAt: &opens, ClosesAt: opens.Add(consultationDays * 24 * time.Hour)}
		if err := db.OpenConsultation(ctx, actor, announced); err != nil {
			return fmt.Errorf("demo: announced consultation: %w", err)
		}
	}
	return nil
}
