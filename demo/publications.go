package demo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"tawla/workspace"
	"tawla/workspace/sqlite"
)

// The demo's register: the reception of a returning migrant at the
// one-stop desk of Mahdia, in French and in its Arabic translation, as one
// entry with two French editions and one Arabic; the first version of the
// Arabic agricultural pathway (adopted in polls.go) as an entry of its
// own; and the earlier reception procedure, published, then withdrawn and
// replaced by the one-stop desk's.
//
// The register's procedures were written before the drafts the table is
// working on: they are created, and their versions frozen, with the
// store's clock set back (meetingLoader.asOf), so that the procedure list
// still opens on the drafts; the earliest is 105 days back, within the
// 120 days before which the audit log holds nothing of the demo. Their
// drafts hold the text of their latest
// version and take no revision. Every version is adopted by a named vote
// of the members, held when the demo loads, after the drafts' own votes,
// and published then.

// registerProcedure is a procedure written for the demo's register: its
// versions are all adopted and published.
type registerProcedure struct {
	title    string
	language string
	category workspace.ProcedureCategory
	summary  string
	// created is the day the procedure was created, from the load day.
	created  int
	versions []registerVersion
}

// registerVersion is one version of a register procedure: frozen on day
// (from the load day) with message, its text, and the named vote that
// adopts it.
type registerVersion struct {
	day      int
	message  string
	text     string
	question string
	// votes are the ballots, by voting member's email: "yes", "no" or
	// "abstain"; the members not named did not vote.
	votes map[string]string
}

// The titles of the register's procedures.
const (
	earlierReceptionTitle = "Accueil des migrants de retour au bureau régional de l'OTE"
	receptionTitle        = "Accueil et orientation d'un migrant de retour au guichet unique de Mahdia"
	receptionTitleAR      = "استقبال المهاجر العائد وتوجيهه في الشباك الموحّد بالمهدية"
)

// adoptionVotes are the ballots of the adoptions of the register's
// versions: seven of the eleven members with a vote, past the quorum of
// half, six for and one abstention; the others did not vote.
var adoptionVotes = map[string]string{
	MemberEmail:              "yes",
	"hela.jaziri@demo.tn":    "yes",
	"rim.sassi@demo.tn":      "yes",
	"salwa.chebbi@demo.tn":   "yes",
	"kamel.ayari@demo.tn":    "abstain",
	"fethi.hamdi@demo.tn":    "yes",
	"adel.messaoudi@demo.tn": "yes",
}

// registerProcedures are the procedures written for the register, the
// earlier first: the order in which they were created.
var registerProcedures = []registerProcedure{
	{
		title:    earlierReceptionTitle,
		language: "fr",
		category: workspace.CategoryReferralPathway,
		summary: "L'accueil sur rendez-vous au bureau régional de l'OTE, puis l'orientation par courrier vers chaque " +
			"service, tel qu'il se faisait avant le guichet unique.",
		created: -105,
		versions: []registerVersion{{
			day:      -100,
			message:  "Procédure d'accueil telle que les services la pratiquent",
			text:     earlierReceptionFR,
			question: "La table adopte-t-elle la procédure d'accueil au bureau régional de l'OTE ?",
			votes:    adoptionVotes,
		}},
	},
	{
		title:    receptionTitle,
		language: "fr",
		category: workspace.CategoryReferralPathway,
		summary: "Où et comment une personne revenue de l'étranger est reçue à Mahdia, ce que le guichet unique " +
			"recueille avec son accord, vers quels services il l'oriente et dans quels délais.",
		created: -80,
		versions: []registerVersion{
			{
				day:      -75,
				message:  "Texte adopté à l'ouverture du guichet unique",
				text:     receptionFR,
				question: "La table adopte-t-elle la version 1 de la procédure d'accueil au guichet unique ?",
				votes:    adoptionVotes,
			},
			{
				day:      -20,
				message:  "Après trois mois : horaires élargis, référent unique, délais ramenés à 7 jours, orientation vers la santé",
				text:     receptionFRv2(),
				question: "La table adopte-t-elle la version 2 de la procédure d'accueil au guichet unique ?",
				votes:    adoptionVotes,
			},
		},
	},
	{
		title:    receptionTitleAR,
		language: "ar",
		category: workspace.CategoryReferralPathway,
		summary: "أين وكيف يُستقبل العائد من الخارج بالمهدية، وما الذي يجمعه الشباك الموحّد بموافقته، " +
			"وإلى أيّ المصالح يوجّهه وفي أيّ آجال.",
		created: -15,
		versions: []registerVersion{{
			day:      -12,
			message:  "الترجمة العربية للنسخة الثانية من الإجراء الفرنسي",
			text:     receptionAR,
			question: "هل تصادق الطاولة على الترجمة العربية لإجراء الاستقبال في الشباك الموحّد؟",
			votes:    adoptionVotes,
		}},
	},
}

// registerPublication is one publication of the demo's register, in the
// order they are made: the version of the procedure with title, into the
// entry of the procedure translationOf names when it is not empty, on day
// (from the load day), in force from that day. withdraws names the
// procedure whose entry the secretariat withdrew that day, replaced by
// this one.
type registerPublication struct {
	title         string
	version       int
	translationOf string
	note          string
	day           int
	// applies is how many days after its publication the edition applies
	// from: the front desks get the new text before they must follow it.
	applies   int
	withdraws string
}

// adoptionDelay is the days between the freezing of a register version
// and the vote that adopts it.
const adoptionDelay = 2

var registerPublications = []registerPublication{
	{title: earlierReceptionTitle, version: 1, day: -96},
	{title: receptionTitle, version: 1, day: -70, withdraws: earlierReceptionTitle,
		note: "Première édition, à l'ouverture du guichet unique."},
	{title: receptionTitle, version: 2, day: -15, applies: 7,
		note: "Horaires élargis jusqu'à 15 h, référent unique pour tout le parcours, délais ramenés à 7 jours ouvrables, orientation vers la santé et rappel sous 15 jours."},
	{title: receptionTitleAR, version: 1, translationOf: receptionTitle, day: -8,
		note: "الترجمة العربية للطبعة الثانية من النص الفرنسي."},
	// Adopted by the secret vote of loadPolls, on the load day.
	{title: procedures[1].title, version: 1, day: 0, note: "النسخة الأولى كما صادقت عليها الطاولة بتصويت سري."},
}

// withdrawalReason is why the earlier reception procedure, published in
// French only, is withdrawn, in its language; %s is the identifier of the
// one that replaces it.
const withdrawalReason = "Remplacée par %s : l'accueil se fait désormais au guichet unique de Mahdia, qui oriente vers " +
	"tous les services en une seule démarche."

// IsRegisterProcedure reports whether the demo procedure with title was
// written for the register: all its versions are adopted and published,
// and it has no draft work, comments or meetings of its own, unlike the
// demo's drafts.
func IsRegisterProcedure(title string) bool {
	for _, rp := range registerProcedures {
		if rp.title == title {
			return true
		}
	}
	return false
}

// loadPublications writes the register's procedures, as of the days they
// were written, has the members adopt their versions, publishes them and
// withdraws the earlier reception procedure.
func loadPublications(ctx context.Context, db *sqlite.DB, actor workspace.Actor) error {
	l := &meetingLoader{db: db, actor: actor, zone: demoZone(), orgs: map[string]int64{}, accounts: map[string]*workspace.Account{}}
	now := db.Now().In(l.zone)
	l.today = time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, l.zone)
	accs, err := db.FindAccounts(ctx, workspace.AccountFilter{})
	if err != nil {
		return err
	}
	for _, a := range accs {
		l.accounts[a.Email] = a
	}

	procs := map[string]*workspace.Procedure{}
	for _, rp := range registerProcedures {
		p, err := l.writeRegisterProcedure(ctx, rp)
		if err != nil {
			return err
		}
		procs[rp.title] = p
	}
	for _, rp := range registerProcedures {
		for n, v := range rp.versions {
			err := l.asOf(l.at(v.day+adoptionDelay, 16, 0), func() error {
				return l.adoptRegisterVersion(ctx, procs[rp.title], n+1, v)
			})
			if err != nil {
				return err
			}
		}
	}

	found, err := db.FindProcedures(ctx)
	if err != nil {
		return err
	}
	for _, p := range found {
		if p.Title == procedures[1].title {
			procs[p.Title] = p
		}
	}
	entries := map[string]int64{}
	for _, rp := range registerPublications {
		proc := procs[rp.title]
		if proc == nil {
			return fmt.Errorf("demo: register: no procedure %q", rp.title)
		}
		day := now // the load day's publication follows that day's vote
		if rp.day < 0 {
			day = l.at(rp.day, 15, 0)
		}
		effective := day.AddDate(0, 0, rp.applies).Format(time.DateOnly)
		req := &workspace.PublishRequest{ProcedureID: proc.ID, VersionNumber: rp.version, EffectiveOn: effective, Note: rp.note, Year: day.Year()}
		if rp.translationOf != "" {
			req.TranslationOf = entries[rp.translationOf]
		}
		var pub *workspace.Publication
		err := l.asOf(day, func() (err error) {
			pub, err = db.Publish(ctx, actor, req)
			return err
		})
		if err != nil {
			return fmt.Errorf("demo: publish %q v%d: %w", rp.title, rp.version, err)
		}
		entries[rp.title] = pub.EntryID
		if rp.withdraws == "" {
			continue
		}
		reason := fmt.Sprintf(withdrawalReason, pub.Identifier)
		err = l.asOf(l.at(rp.day, 17, 30), func() error {
			return db.WithdrawEntry(ctx, actor, entries[rp.withdraws], reason, pub.EntryID)
		})
		if err != nil {
			return fmt.Errorf("demo: withdraw %q: %w", rp.withdraws, err)
		}
	}
	return nil
}

// writeRegisterProcedure creates rp as of the day it was written, with
// its latest text as its draft, and freezes its versions as of their days.
func (l *meetingLoader) writeRegisterProcedure(ctx context.Context, rp registerProcedure) (*workspace.Procedure, error) {
	last := rp.versions[len(rp.versions)-1]
	p := &workspace.Procedure{Title: rp.title, Language: rp.language, Category: rp.category, Summary: rp.summary}
	err := l.asOf(l.at(rp.created, 10, 0), func() error {
		return l.db.CreateProcedure(ctx, l.actor, p, last.text)
	})
	if err != nil {
		return nil, fmt.Errorf("demo: procedure %q: %w", rp.title, err)
	}
	for _, v := range rp.versions {
		err := l.asOf(l.at(v.day, 11, 30), func() error {
			return l.db.CreateVersion(ctx, l.actor, p.ID, 0, v.text, &workspace.Version{Message: v.message})
		})
		if err != nil {
			return nil, fmt.Errorf("demo: freeze %q: %w", rp.title, err)
		}
	}
	return p, nil
}

// adoptRegisterVersion holds the named vote that adopts version number of
// p, and checks that it did.
func (l *meetingLoader) adoptRegisterVersion(ctx context.Context, p *workspace.Procedure, number int, v registerVersion) error {
	poll := &workspace.Poll{
		Question:      v.question,
		Kind:          workspace.PollYesNo,
		Mode:          workspace.BallotNamed,
		Unit:          workspace.VotePerPerson,
		QuorumPercent: 50,
		Majority:      workspace.MajoritySimple,
		CollegeRule:   workspace.CollegeRuleNone,
		ProcedureID:   &p.ID,
		VersionNumber: number,
	}
	var voters []workspace.Actor
	var keys []string
	for _, person := range people {
		if key, ok := v.votes[person.email]; ok {
			acc := l.accounts[person.email]
			if acc == nil || !acc.CanVote {
				return fmt.Errorf("demo: register: %s has no vote", person.email)
			}
			voters = append(voters, workspace.ActorFor(acc))
			keys = append(keys, key)
		}
	}
	err := holdDemoPoll(ctx, l.db, l.actor, poll, voters, func(i int) int {
		for j, o := range poll.Options {
			if o.Key == keys[i] {
				return j
			}
		}
		return 0
	})
	if err != nil {
		return err
	}
	got, err := l.db.FindVersion(ctx, p.ID, number)
	if err != nil {
		return err
	}
	if got.AdoptedAt == nil {
		return fmt.Errorf("demo: register: the vote did not adopt %q v%d", p.Title, number)
	}
	return nil
}

// receptionFRv2 is the second version of the one-stop desk's procedure:
// the first with the passages the table changed after three months.
func receptionFRv2() string {
	text := receptionFR
	for _, r := range [][2]string{
		{"de 8 h 30 à 13 h", "de 8 h 30 à 15 h"},
		{"L'agent remplit la fiche d'accueil avec elle.",
			"L'agent remplit la fiche d'accueil avec elle\n   et désigne un référent unique, qui la suit jusqu'à la fin du parcours."},
		{"| Emploi, formation, projet | Direction régionale de l'emploi | 10 jours ouvrables |",
			"| Emploi, formation, projet | Direction régionale de l'emploi | 7 jours ouvrables |"},
		{"| Aide sociale, logement | Direction régionale des affaires sociales | 10 jours ouvrables |",
			"| Aide sociale, logement | Direction régionale des affaires sociales | 7 jours ouvrables |\n" +
				"| Santé, soutien psychologique | Direction régionale de la santé | 7 jours ouvrables |"},
		{"dans le mois qui suit", "dans les 15 jours qui suivent"},
	} {
		if !strings.Contains(text, r[0]) {
			panic("demo: the reception procedure has no " + r[0])
		}
		text = strings.Replace(text, r[0], r[1], 1)
	}
	return text
}

const earlierReceptionFR = `# Accueil des migrants de retour au bureau régional de l'OTE

> **Procédure commune — données de démonstration.** Les services existent à
> Mahdia, mais les contacts et les délais ci-dessous sont fictifs.

## 1. Objet

Cette procédure décrit l'accueil d'une personne revenue de l'étranger au
bureau régional de l'Office des Tunisiens à l'étranger (OTE) et son
orientation vers les autres services.

## 2. Étapes

1. **Rendez-vous** pris par téléphone auprès du bureau régional de l'OTE.
2. **Entretien** et remplissage de la fiche d'accueil de l'OTE.
3. **Orientation par courrier** vers chaque service concerné ; chaque
   service ouvre ensuite son propre dossier et reçoit la personne à son tour.

## 3. Délais

| Étape | Délai |
|:--|:-:|
| Demande → rendez-vous à l'OTE | 15 jours ouvrables |
| Entretien → courrier d'orientation | 10 jours ouvrables |

## 4. Contact (démo)

- OTE — bureau régional de Mahdia : ote@demo.tn
`

const receptionFR = `# Accueil et orientation d'un migrant de retour au guichet unique de Mahdia

> **Procédure commune adoptée — données de démonstration.** Les services
> existent à Mahdia, mais les contacts, les horaires et les délais
> ci-dessous sont fictifs.

## 1. Objet

Cette procédure dit comment le guichet unique de Mahdia reçoit une personne
revenue de l'étranger, quelles informations il recueille et vers quels
services il l'oriente. Elle remplace l'accueil séparé dans chaque service :
la personne se présente à un seul endroit et n'y raconte son histoire
qu'une fois.

## 2. Personnes concernées

- Tunisiennes et Tunisiens rentrés depuis moins de trois ans, quel que
  soit le motif du retour.
- Les membres de leur famille rentrés avec eux.

## 3. Accueil au guichet

1. **Accueil sans rendez-vous**, du lundi au vendredi de 8 h 30 à 13 h,
   au bureau régional de l'OTE, qui héberge le guichet unique.
2. **Premier entretien** dans un bureau fermé, dans la langue que la
   personne choisit (arabe ou français). L'agent remplit la fiche d'accueil avec elle.
3. **Consentement.** L'agent explique quels services recevront la fiche ;
   la personne signe le formulaire de consentement ou refuse, sans que le
   refus change rien à son accueil.
4. **Récépissé** portant le numéro du dossier et le nom de l'agent.

## 4. Orientation

| Besoin exprimé | Service | Délai du premier rendez-vous |
|:--|:--|:-:|
| Emploi, formation, projet | Direction régionale de l'emploi | 10 jours ouvrables |
| Aide sociale, logement | Direction régionale des affaires sociales | 10 jours ouvrables |
| Documents, état civil | Commune de résidence | 5 jours ouvrables |

## 5. Suivi

- Le guichet appelle la personne dans le mois qui suit pour savoir si le
  rendez-vous a eu lieu.
- Le secrétariat de la table présente chaque trimestre le nombre de
  personnes reçues et orientées.

## 6. Contacts (démo)

- Guichet unique : guichet-mahdia@demo.tn
- Secrétariat de la table : secretariat@demo.tn
`

const receptionAR = `# استقبال المهاجر العائد وتوجيهه في الشباك الموحّد بالمهدية

> **إجراء مشترك مصادق عليه — بيانات تجريبية.** المصالح المذكورة موجودة
> بالمهدية، أما جهات الاتصال والتوقيت والآجال فهي خيالية.

## 1. الهدف

يحدّد هذا الإجراء كيف يستقبل الشباك الموحّد بالمهدية شخصًا عائدًا من
الخارج، وما المعلومات التي يجمعها، وإلى أيّ المصالح يوجّهه. وهو يعوّض
الاستقبال المنفصل في كل مصلحة: يتقدّم الشخص إلى مكان واحد ولا يروي قصّته
فيه إلا مرّة واحدة.

## 2. الفئة المعنية

- التونسيات والتونسيون العائدون منذ أقل من ثلاث سنوات، مهما كان سبب
  العودة.
- أفراد عائلاتهم العائدون معهم.

## 3. الاستقبال في الشباك

1. **استقبال دون موعد**، من الاثنين إلى الجمعة من الساعة 8:30 إلى الساعة
   15:00، بالمكتب الجهوي لديوان التونسيين بالخارج الذي يحتضن الشباك الموحّد.
2. **مقابلة أولى** في مكتب مغلق، باللغة التي يختارها الشخص (العربية أو
   الفرنسية). يعمّر العون بطاقة الاستقبال معه ويعيّن مرافقًا واحدًا يتابعه
   إلى نهاية المسار.
3. **الموافقة.** يشرح العون المصالح التي ستتلقّى البطاقة؛ ويمضي الشخص
   استمارة الموافقة أو يرفض، دون أن يغيّر الرفض شيئًا في استقباله.
4. **وصل** يحمل رقم الملف واسم العون.

## 4. التوجيه

| الحاجة المعبَّر عنها | المصلحة | أجل الموعد الأول |
|:--|:--|:-:|
| التشغيل، التكوين، المشروع | المندوبية الجهوية للتشغيل | 7 أيام عمل |
| المساعدة الاجتماعية، السكن | الإدارة الجهوية للشؤون الاجتماعية | 7 أيام عمل |
| الصحة، الدعم النفسي | الإدارة الجهوية للصحة | 7 أيام عمل |
| الوثائق، الحالة المدنية | بلدية الإقامة | 5 أيام عمل |

## 5. المتابعة

- يتّصل الشباك بالشخص في أجل 15 يومًا للتأكّد من أنّ الموعد قد تمّ.
- تقدّم كتابة الطاولة كل ثلاثة أشهر عدد الأشخاص الذين استُقبلوا ووُجِّهوا.

## 6. جهات الاتصال (تجريبية)

- الشباك الموحّد: guichet-mahdia@demo.tn
- كتابة الطاولة: secretariat@demo.tn
`
