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

// The demo's issues: ten problems that returning migrants of the Mahdia
// governorate brought to the table, in French and Arabic — a diploma not
// recognised, a child born abroad not yet on the civil register, a business
// project stuck between two services, health cover on return, housing,
// psychosocial support after a forced return… Each is reported on a day
// before the load (the store's clock set back, as for the meetings), by a
// member, with a priority, delegations, an owner organisation and a due
// date; some are overdue, some resolved or closed with a reason. They are
// commented in both languages by the people of the table (in their own
// names: a comment has no other author), followed, and linked to the demo
// meetings' decisions, actions and agenda items, to the procedures, and to
// passages of the drafts. A few hold private fields, with names that are
// clearly fictional, in French and in Arabic: only the secretariat, admins
// and those in charge of an issue (its reporter, its owner organisation's
// members) see them, each look recorded in the audit log. The demo member
// (MemberEmail, of the regional employment direction) is in charge of the
// first issue, whose details it may show, and not of the second, whose
// page only tells it that there are some; a few of these looks were
// already taken, so that the secretariat finds them on the issue page.

// demoIssueComment is a comment on a demo issue, days after it was
// reported.
type demoIssueComment struct {
	author string // email
	day    int
	body   string
}

// demoIssueLink names what a demo issue is linked to: kind, and ref, which
// is resolved when loading — a meeting's title for a meeting; the title of
// an agenda item (of any demo meeting) for an agenda item or its
// decision; an action's title; the index in procedures of a procedure.
type demoIssueLink struct {
	kind workspace.IssueLinkKind
	ref  string
}

// demoIssue is one issue of the demo.
type demoIssue struct {
	title       string
	description string
	category    string // the category's French name
	reporter    string // email
	priority    workspace.IssuePriority
	owner       string // organisation key, or "" for none
	delegations []string
	// day is when it was reported, from the load day (negative); due is
	// its due date, from the load day, when hasDue.
	day    int
	due    int
	hasDue bool
	// status, reached statusDay days after it was reported, with reason.
	status    workspace.IssueStatus
	statusDay int
	reason    string
	private   *workspace.IssuePrivate
	// privateViewedBy are the accounts (emails) that looked at the
	// private fields, the day after the issue was reported.
	privateViewedBy []string
	comments        []demoIssueComment
	followers       []string
	links           []demoIssueLink
	// passages are words of a draft (procedure: index in procedures) that
	// answer the issue.
	passages []demoPassage
}

// demoPassage is a passage of a demo draft linked to an issue.
type demoPassage struct {
	procedure int
	words     string
}

// The categories, by their French names (schema/0008_issues.sql).
const (
	catEmployment  = "Emploi et création d'entreprise"
	catSocial      = "Aide sociale"
	catHealth      = "Santé"
	catEducation   = "Éducation et diplômes"
	catCivilStatus = "État civil et documents"
	catHousing     = "Logement"
	catPsycho      = "Soutien psychosocial"
	catChildren    = "Enfants"
)

// issues are the demo's issues, in the order they are numbered.
var issues = []demoIssue{
	{
		title: "Diplôme de technicien en maintenance obtenu en Italie non reconnu",
		description: "Un migrant rentré de Turin après huit ans est titulaire d'un diplôme italien de technicien en maintenance industrielle. " +
			"Sans équivalence, l'espace emploi ne peut pas l'inscrire à ce niveau, et les entreprises de la zone industrielle de Mahdia lui proposent des postes de manœuvre.\n\n" +
			"La demande d'équivalence a été déposée il y a deux mois ; personne ne sait qui la suit.",
		category: catEducation, reporter: "fethi.hamdi@demo.tn", priority: workspace.PriorityHigh, owner: "dr-emploi",
		delegations: []string{"mahdia"}, day: -62, due: -5, hasDue: true,
		status: workspace.IssueInProgress, statusDay: 20,
		private: &workspace.IssuePrivate{PersonName: "Karim Exemple (personne fictive)", PersonContact: "+216 00 000 101 (numéro fictif)",
			Details: "Diplôme délivré en 2019 ; traduction certifiée déjà faite. Données de démonstration."},
		privateViewedBy: []string{"fethi.hamdi@demo.tn", MemberEmail},
		comments: []demoIssueComment{
			{"rim.sassi@demo.tn", 3, "L'équivalence relève du ministère de l'Enseignement supérieur : l'OTE peut transmettre le dossier, mais pas l'accélérer. Nous avons demandé le nom d'un interlocuteur."},
			{MemberEmail, 20, "La Direction régionale de l'emploi prend le dossier : en attendant l'équivalence, nous proposons une attestation de compétences après un test pratique au centre de formation."},
			{"adel.messaoudi@demo.tn", 41, "نفس الإشكال عند عائدين من ليبيا بشهادات تكوين مهني. هل يمكن أن تشملهم نفس الحلول؟"},
		},
		followers: []string{"rim.sassi@demo.tn", "adel.messaoudi@demo.tn"},
		links:     []demoIssueLink{{workspace.LinkProcedure, "0"}},
	},
	{
		title: "تعذّر ترسيم طفل وُلد بالخارج في دفاتر الحالة المدنية",
		description: "عائلة عادت من فرنسا ولها طفل وُلد هناك منذ سنتين. لم يُرسَّم الولادة في القنصلية قبل العودة، والبلدية تطلب مضمون ولادة مترجمًا ومصادقًا عليه.\n\n" +
			"بدون مضمون الولادة لا يمكن تسجيل الطفل في الروضة ولا فتح ملف للتغطية الصحية.",
		category: catCivilStatus, reporter: "salwa.chebbi@demo.tn", priority: workspace.PriorityUrgent, owner: "commune-mahdia",
		delegations: []string{"chebba", "mahdia"}, day: -34, due: -3, hasDue: true,
		status: workspace.IssueUnderDiscussion, statusDay: 6,
		private: &workspace.IssuePrivate{PersonName: "عائلة تجريبية (أسماء وهمية)", PersonContact: "\u200e+216 00 000 202 (رقم وهمي)",
			Details: "الطفل مسجّل في سجل القنصلية بمرسيليا حسب العائلة. بيانات تجريبية."},
		privateViewedBy: []string{"kamel.ayari@demo.tn"},
		comments: []demoIssueComment{
			{"najla.zouari@demo.tn", 2, "في قصور الساف نقبل مؤقتًا شهادة من القنصلية في انتظار الترسيم. هل يمكن تعميم هذا الحل؟"},
			{"leila.hammami@demo.tn", 6, "أُدرجت الإشكالية في جدول أعمال الجلسة العامة القادمة، وراسلت الكتابة المعتمد للحالة المدنية في الغرض."},
			{"kamel.ayari@demo.tn", 12, "La commune de Mahdia peut transcrire l'acte dès réception de la copie intégrale traduite ; le délai vient de la traduction assermentée, que la famille ne peut pas payer."},
		},
		followers: []string{"najla.zouari@demo.tn", "kamel.ayari@demo.tn", "leila.hammami@demo.tn"},
		links:     []demoIssueLink{{workspace.LinkAgendaItem, "Questions diverses"}},
	},
	{
		title: "Projet de petite entreprise bloqué entre l'espace emploi et la BTS",
		description: "Une femme rentrée d'Allemagne veut ouvrir un atelier de couture à El Jem. L'espace emploi attend l'accord de principe de la BTS pour l'inscrire à la formation ; " +
			"la BTS attend l'attestation de formation pour étudier le dossier.\n\nChaque service la renvoie vers l'autre depuis trois mois.",
		category: catEmployment, reporter: "wafa.mabrouk@demo.tn", priority: workspace.PriorityHigh, owner: "dr-emploi",
		delegations: []string{"el_jem"}, day: -45, due: 10, hasDue: true,
		status: workspace.IssueInProgress, statusDay: 17,
		comments: []demoIssueComment{
			{"nizar.bouzid@demo.tn", 4, "C'est exactement le cas que le référent unique doit éviter. Je propose que l'espace emploi d'El Jem désigne un référent pour ce dossier dès cette semaine."},
			{"wafa.mabrouk@demo.tn", 17, "Le référent est désigné. Reste à obtenir de la BTS qu'elle accepte une inscription à la formation comme pièce provisoire."},
		},
		followers: []string{"nizar.bouzid@demo.tn", "giulia.rossi@demo.tn"},
		links: []demoIssueLink{
			{workspace.LinkDecision, "Parcours d'accompagnement à la création d'une petite entreprise : première lecture"},
			{workspace.LinkAction, "Désigner un référent unique dans chaque bureau de l'emploi du gouvernorat"},
		},
		passages: []demoPassage{{0, "désigne un référent unique"}},
	},
	{
		title: "Accès à la couverture santé au retour : droits CNAM non ouverts",
		description: "Les personnes rentrées après un long séjour à l'étranger n'ont plus de droits ouverts à la CNAM. " +
			"L'agence locale demande une attestation de travail en Tunisie qu'elles n'ont pas encore, et les renvoie vers l'assistance médicale gratuite, qui demande une enquête sociale de plusieurs semaines.",
		category: catHealth, reporter: "hela.jaziri@demo.tn", priority: workspace.PriorityNormal, owner: "dr-sante",
		delegations: []string{"ksour_essef", "mahdia"}, day: -90, due: -30, hasDue: true,
		status: workspace.IssueResolved, statusDay: 55,
		reason: "La direction régionale de la CNAM accepte désormais l'attestation de retour de l'OTE pour ouvrir des droits provisoires de trois mois ; la note a été transmise aux agences locales.",
		comments: []demoIssueComment{
			{"mounir.benamor@demo.tn", 10, "الإدارة الجهوية للصحة تقترح اجتماعًا مع المكتب الجهوي للصندوق الوطني للتأمين على المرض لدراسة حل مؤقت."},
			{"hela.jaziri@demo.tn", 55, "Confirmé par écrit par la CNAM : l'attestation de l'OTE suffit pour les droits provisoires. Merci à tous."},
		},
		followers: []string{"mounir.benamor@demo.tn"},
	},
	{
		title: "صعوبة إيجاد سكن لعائلات عادت بصفة قسرية",
		description: "عادت ثلاث عائلات إلى سيدي علوان بعد ترحيلها، دون مدخرات. الأقارب يستضيفونها مؤقتًا في ظروف صعبة، وأصحاب المساكن يطلبون ضمانًا وأجرة ثلاثة أشهر مسبقًا.\n\n" +
			"نطلب من الطاولة تحديد مصلحة مرجعية للسكن الاجتماعي أو للمساعدة على الكراء.",
		category: catHousing, reporter: "adel.messaoudi@demo.tn", priority: workspace.PriorityHigh, owner: "dr-social",
		delegations: []string{"sidi_alouane"}, day: -40, due: -15, hasDue: true,
		status: workspace.IssueOpen,
		comments: []demoIssueComment{
			{"hela.jaziri@demo.tn", 9, "La Direction régionale des affaires sociales peut étudier une aide ponctuelle au loyer ; il nous faut la liste des familles avec leur accord écrit."},
			{"adel.messaoudi@demo.tn", 15, "أرسلنا القائمة بموافقة العائلات. ما زلنا ننتظر الرد."},
		},
		followers: []string{"hela.jaziri@demo.tn", "meriem.gasmi@demo.tn"},
	},
	{
		title: "Soutien psychosocial après un retour forcé : aucune structure à Bou Merdes",
		description: "Plusieurs jeunes rentrés après une expulsion présentent des signes d'anxiété et de repli. Le centre de santé de base n'a pas de psychologue ; " +
			"la consultation la plus proche est à Mahdia, avec deux mois d'attente.",
		category: catPsycho, reporter: "yassine.kefi@demo.tn", priority: workspace.PriorityHigh, owner: "dr-sante",
		delegations: []string{"bou_merdes"}, day: -21, due: 25, hasDue: true,
		status: workspace.IssueUnderDiscussion, statusDay: 8,
		private: &workspace.IssuePrivate{PersonName: "Jeune homme, 23 ans (nom fictif : Sami Exemple)", PersonContact: "Par l'association, jamais directement",
			Details: "Suivi par l'animateur de l'association. Données de démonstration."},
		comments: []demoIssueComment{
			{"giulia.rossi@demo.tn", 5, "The programme can fund a mobile psychologist two days a month in Bou Merdes and El Jem for six months, if the regional health direction hosts the consultations."},
			{"mounir.benamor@demo.tn", 8, "نرحّب بالمقترح، ويمكن استقبال الاستشارات في مركز الصحة الأساسية ببومرداس يومي الثلاثاء."},
		},
		followers: []string{"giulia.rossi@demo.tn", "mounir.benamor@demo.tn"},
		links:     []demoIssueLink{{workspace.LinkMeeting, pastPlenary.title}},
	},
	{
		title:       "عدم الاعتراف بشهادة تكوين مهني مُتحصّل عليها في ليبيا",
		description: "عائد من طرابلس يحمل شهادة في التلحيم من مركز تكوين خاص. المندوبية لا تعترف بها، ولا توجد معادلة لهذا النوع من الشهادات.",
		category:    catEducation, reporter: "adel.messaoudi@demo.tn", priority: workspace.PriorityNormal, owner: "dr-emploi",
		delegations: []string{"sidi_alouane"}, day: -30,
		status: workspace.IssueClosed, statusDay: 9,
		reason: "مكرّرة: تُتابع مع الإشكالية الخاصة بالشهادة المتحصل عليها في إيطاليا (رقم 1)، والحل نفسه (اختبار تطبيقي وشهادة كفاءة).",
		comments: []demoIssueComment{
			{"nizar.bouzid@demo.tn", 9, "Même situation que le diplôme italien : je ferme celle-ci et nous suivons les deux personnes dans le premier dossier."},
		},
	},
	{
		title: "Inscription scolaire d'enfants revenus d'Allemagne sans bulletins traduits",
		description: "Deux enfants de 9 et 12 ans, rentrés en cours d'année, ne sont pas acceptés en classe faute de bulletins traduits et d'un test de niveau en arabe.\n\n" +
			"La famille ne peut pas payer la traduction assermentée.",
		category: catChildren, reporter: "najla.zouari@demo.tn", priority: workspace.PriorityUrgent, owner: "commune-ksour-essef",
		delegations: []string{"ksour_essef"}, day: -12, due: 20, hasDue: true,
		status: workspace.IssueOpen,
		comments: []demoIssueComment{
			{"najla.zouari@demo.tn", 1, "تتكفّل البلدية بالترجمة إذا وافقت المندوبية الجهوية للتربية على قبول الطفلين في انتظارها."},
			{StakeholderEmail, 3, "Ponts Méditerranée peut prendre en charge des cours de soutien en arabe pendant trois mois."},
		},
		followers: []string{StakeholderEmail},
	},
	{
		title:       "تأخّر صرف المساعدة الاجتماعية الظرفية للعائدين",
		description: "ملفات المساعدة الظرفية المودعة منذ أكثر من شهرين لم يُبتّ فيها بعد. العائلات لا تعرف إلى من تتوجه للاستفسار.",
		category:    catSocial, reporter: "salwa.chebbi@demo.tn", priority: workspace.PriorityNormal, owner: "dr-social",
		delegations: []string{"chebba", "melloulech"}, day: -25, due: -1, hasDue: true,
		status: workspace.IssueInProgress, statusDay: 11,
		comments: []demoIssueComment{
			{"hela.jaziri@demo.tn", 11, "Les dossiers sont en commission le 15 ; nous communiquerons un numéro unique pour les questions des familles."},
		},
		followers: []string{"hela.jaziri@demo.tn"},
		links:     []demoIssueLink{{workspace.LinkMeeting, pastGroup.title}},
	},
	{
		title: "Carte d'identité expirée : le dossier de financement BTS refusé",
		description: "Des personnes rentrées avec une carte d'identité expirée attendent son renouvellement plusieurs semaines ; " +
			"la BTS refuse d'ouvrir le dossier de financement sans carte en cours de validité.",
		category: catCivilStatus, reporter: "rim.sassi@demo.tn", priority: workspace.PriorityNormal, owner: "ote",
		delegations: []string{"mahdia", "essouassi"}, day: -50, due: -20, hasDue: true,
		status: workspace.IssueResolved, statusDay: 30,
		reason: "La BTS accepte le récépissé de la demande de renouvellement pour ouvrir le dossier ; le parcours le dira (suggestion en cours sur la liste des pièces).",
		comments: []demoIssueComment{
			{"hela.jaziri@demo.tn", 5, "J'ai proposé une modification de la liste des pièces du parcours dans ce sens."},
			{"rim.sassi@demo.tn", 30, "Accord écrit de l'agence BTS de Mahdia reçu : le récépissé suffit."},
		},
		followers: []string{"hela.jaziri@demo.tn"},
		links:     []demoIssueLink{{workspace.LinkProcedure, "0"}},
		passages:  []demoPassage{{0, "Carte d'identité nationale"}},
	},
}

// issueLoader holds what the demo's issues are built from.
type issueLoader struct {
	*meetingLoader
	categories map[string]int64
	docs       map[int64]*workspace.Procedure
}

// loadIssues stores the demo's issues with their comments, statuses,
// links, passages, followers and notifications, after the meetings they
// link to. Every change is the system actor's, but comments and follows,
// which are their authors' own.
func loadIssues(ctx context.Context, db *sqlite.DB, actor workspace.Actor) error {
	l, err := newIssueLoader(ctx, db, actor)
	if err != nil {
		return err
	}
	categories, err := db.FindIssueCategories(ctx, false)
	if err != nil {
		return fmt.Errorf("demo: issues: %w", err)
	}
	for _, c := range categories {
		l.categories[c.NameFR] = c.ID
	}
	for n, di := range issues {
		if err := l.load(ctx, di); err != nil {
			return fmt.Errorf("demo: issue %d %q: %w", n+1, di.title, err)
		}
	}
	// The four demo logins have read their notifications, so that they
	// start with none unread (and the badge counts only what happens in
	// the session); the other people of the table have unread ones.
	for _, email := range []string{AdminEmail, SecretariatEmail, MemberEmail, StakeholderEmail} {
		acc, ok := l.accounts[email]
		if !ok {
			return fmt.Errorf("demo: issues: no account %s", email)
		}
		if err := db.MarkNotificationsRead(ctx, workspace.ActorFor(acc), 0); err != nil {
			return fmt.Errorf("demo: issues: notifications: %w", err)
		}
	}
	return nil
}

// newIssueLoader finds the organisations, procedures and accounts the
// issues name, as loadMeetings does.
func newIssueLoader(ctx context.Context, db *sqlite.DB, actor workspace.Actor) (*issueLoader, error) {
	ml := &meetingLoader{db: db, actor: actor, zone: demoZone(), orgs: map[string]int64{}, accounts: map[string]*workspace.Account{}}
	now := db.Now().In(ml.zone)
	ml.today = time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, ml.zone)
	l := &issueLoader{meetingLoader: ml, categories: map[string]int64{}, docs: map[int64]*workspace.Procedure{}}
	found, err := db.FindOrganisations(ctx, workspace.OrganisationFilter{})
	if err != nil {
		return nil, fmt.Errorf("demo: issues: %w", err)
	}
	for _, o := range organisations {
		for _, f := range found {
			if f.NameFR == o.nameFR {
				ml.orgs[o.key] = f.ID
			}
		}
	}
	procs, err := db.FindProcedures(ctx)
	if err != nil {
		return nil, fmt.Errorf("demo: issues: %w", err)
	}
	for _, p := range procedures {
		for _, f := range procs {
			if f.Title == p.title {
				ml.procs = append(ml.procs, f.ID)
				l.docs[f.ID] = f
			}
		}
	}
	if len(ml.procs) != len(procedures) {
		return nil, fmt.Errorf("demo: issues: %d of %d procedures found", len(ml.procs), len(procedures))
	}
	accs, err := db.FindAccounts(ctx, workspace.AccountFilter{})
	if err != nil {
		return nil, fmt.Errorf("demo: issues: %w", err)
	}
	for _, a := range accs {
		ml.accounts[a.Email] = a
	}
	return l, nil
}

// load stores one demo issue and what happened to it, each at its time.
func (l *issueLoader) load(ctx context.Context, di demoIssue) error {
	reporter := l.accounts[di.reporter]
	category, ok := l.categories[di.category]
	if reporter == nil || !ok {
		return fmt.Errorf("unknown reporter %q or category %q", di.reporter, di.category)
	}
	i := &workspace.Issue{Title: di.title, Description: di.description, CategoryID: category, Priority: di.priority,
		ReporterID: reporter.ID, Delegations: di.delegations}
	if di.owner != "" {
		id, ok := l.orgs[di.owner]
		if !ok {
			return fmt.Errorf("unknown organisation %q", di.owner)
		}
		i.OwnerOrganisationID = &id
	}
	if di.hasDue {
		i.DueDate = l.today.AddDate(0, 0, di.due).Format(workspace.DateLayout)
	}
	reported := l.at(di.day, 9, 15)
	err := l.asOf(reported, func() error {
		_, err := l.db.CreateIssue(ctx, l.actor, i, di.private)
		return err
	})
	if err != nil {
		return err
	}
	// What happened next: looks at the private fields, followers, links,
	// comments, the status change.
	for n, email := range di.privateViewedBy {
		acc := l.accounts[email]
		if acc == nil {
			return fmt.Errorf("unknown account %q", email)
		}
		err := l.asOf(l.at(di.day+1, 11, 5*n), func() error {
			_, err := l.db.RevealIssuePrivate(ctx, workspace.ActorFor(acc), i.ID)
			return err
		})
		if err != nil {
			return err
		}
	}
	for _, f := range di.followers {
		acc := l.accounts[f]
		if acc == nil {
			return fmt.Errorf("unknown follower %q", f)
		}
		if err := l.db.FollowIssue(ctx, workspace.ActorFor(acc), i.ID, true); err != nil {
			return err
		}
	}
	// Links are made once the issue has been discussed a first time: the
	// day of its status change, or the day after it was reported.
	err = l.asOf(reported.AddDate(0, 0, max(1, di.statusDay)).Add(2*time.Hour), func() error {
		for _, link := range di.links {
			if err := l.link(ctx, i.ID, link); err != nil {
				return err
			}
		}
		for _, p := range di.passages {
			if err := l.linkPassage(ctx, i.ID, p); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for n, c := range di.comments {
		author := l.accounts[c.author]
		if author == nil {
			return fmt.Errorf("unknown author %q", c.author)
		}
		at := l.at(di.day+c.day, 10+n, 30)
		if di.status != workspace.IssueOpen && c.day == di.statusDay {
			at = at.Add(-time.Hour) // the comment says why, just before
		}
		err := l.asOf(at, func() error {
			_, err := l.db.CommentIssue(ctx, workspace.ActorFor(author), i.ID, c.body)
			return err
		})
		if err != nil {
			return err
		}
	}
	if di.status != workspace.IssueOpen {
		return l.asOf(l.at(di.day+di.statusDay, 16, 0), func() error {
			_, err := l.db.ChangeIssueStatus(ctx, l.actor, i.ID, di.status, di.reason)
			return err
		})
	}
	return nil
}

// link links issue id to what link names.
func (l *issueLoader) link(ctx context.Context, id int64, link demoIssueLink) error {
	target, err := l.target(ctx, link)
	if err != nil {
		return err
	}
	_, err = l.db.LinkIssue(ctx, l.actor, &workspace.IssueLink{IssueID: id, TargetKind: link.kind, TargetID: target})
	return err
}

// target returns the id of what link names.
func (l *issueLoader) target(ctx context.Context, link demoIssueLink) (int64, error) {
	switch link.kind {
	case workspace.LinkProcedure:
		for n := range l.procs {
			if fmt.Sprint(n) == link.ref {
				return l.procs[n], nil
			}
		}
	case workspace.LinkMeeting, workspace.LinkAgendaItem, workspace.LinkDecision:
		meetings, _, err := l.db.FindMeetings(ctx, sqlite.MeetingFilter{Limit: 200})
		if err != nil {
			return 0, err
		}
		for _, m := range meetings {
			if link.kind == workspace.LinkMeeting {
				if m.Title == link.ref {
					return m.ID, nil
				}
				continue
			}
			rec, err := l.db.FindMeetingRecord(ctx, m.ID)
			if err != nil {
				return 0, err
			}
			for _, it := range rec.Items {
				if it.Title != link.ref {
					continue
				}
				if link.kind == workspace.LinkAgendaItem {
					return it.ID, nil
				}
				if it.Decision != nil {
					return it.Decision.ID, nil
				}
			}
		}
	case workspace.LinkAction:
		actions, _, err := l.db.FindActions(ctx, sqlite.ActionFilter{Limit: 200})
		if err != nil {
			return 0, err
		}
		for _, a := range actions {
			if a.Title == link.ref {
				return a.ID, nil
			}
		}
	}
	return 0, fmt.Errorf("no %s %q", link.kind, link.ref)
}

// linkPassage links issue id to the first occurrence of p's words in the
// draft of its procedure, as it is now. No co-editing room is open while
// the demo loads, so the anchor is stored directly at the draft's current
// version, as the demo's comments are.
func (l *issueLoader) linkPassage(ctx context.Context, id int64, p demoPassage) error {
	if p.procedure < 0 || p.procedure >= len(l.procs) {
		return fmt.Errorf("no procedure %d", p.procedure)
	}
	proc := l.docs[l.procs[p.procedure]]
	text, version, err := l.db.LoadDocumentText(ctx, proc.DocumentID)
	if err != nil {
		return err
	}
	draft := text.String()
	at := strings.Index(draft, p.words)
	if at < 0 {
		return fmt.Errorf("%q is not in the draft of %q", p.words, proc.Title)
	}
	// Positions count UTF-16 code units, as the editor does.
	from := len(utf16.Encode([]rune(draft[:at])))
	a := &workspace.Anchor{From: from, To: from + len(utf16.Encode([]rune(p.words))), Quote: p.words}
	return l.db.CreateDocumentAnchor(ctx, proc.DocumentID, version, a, func(ctx context.Context, tx *sqlite.Tx, a *workspace.Anchor) error {
		_, err := tx.LinkIssuePassage(ctx, l.actor, id, proc.ID, a.ID)
		return err
	})
}
