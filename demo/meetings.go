package demo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"tawla/workspace"
	"tawla/workspace/diff"
	"tawla/workspace/sqlite"
)

// The demo's meetings, in French and Arabic, placed around the moment the
// demo is loaded: a plenary held four weeks before, closed, with its
// attendance, decisions, actions and minutes; an Arabic working group held
// ten days before, closed; the next plenary and the next working group,
// planned in the coming weeks, which received the minutes to approve and
// the actions to follow up when the earlier ones closed; and a working
// group cancelled a few days before it was to meet. Everything is
// fictional demo data, and the minutes say so.

// demoZone is the demo table's time zone, in which its meetings are set.
func demoZone() *time.Location {
	if loc, err := time.LoadLocation("Africa/Tunis"); err == nil {
		return loc
	}
	return time.FixedZone("CET", 60*60)
}

// demoNote opens every demo minutes: the meetings never took place.
const demoNote = "*Données de démonstration : réunion fictive. / بيانات تجريبية: اجتماع وهمي.*"

// demoItem is an agenda item of a demo meeting, with the decision taken on
// it (for a meeting that was held) and the actions the decision calls for.
type demoItem struct {
	title      string
	minutes    int
	presenter  string // organisation key, or ""
	procedures []int  // indexes in procedures
	decision   string
	outcome    workspace.DecisionOutcome
	actions    []demoAction
	// said is what the minutes record of the discussion, appended by the
	// secretariat after the pre-fill, before the decision.
	said string
}

// demoAction is an action of a demo decision; due is in days from the day
// the demo is loaded (negative: in the past), and done says it was done
// after the meeting.
type demoAction struct {
	title string
	owner string // organisation key
	due   int
	done  bool
}

// demoMeeting is one demo meeting: when, relative to the day the demo is
// loaded, at what local time, and for how long.
type demoMeeting struct {
	title    string
	kind     workspace.MeetingKind
	language string
	day      int // days from the load day; negative: held before
	hour     int
	minute   int
	length   time.Duration
	place    string
	link     string
	// invitees are emails; nil invites every member, the secretariat and
	// the admins.
	invitees []string
	// excused and absent list emails; every other invitee of a meeting
	// held is present.
	excused, absent []string
	items           []demoItem
	// closing is appended to the minutes after the decisions.
	closing string
}

var pastPlenary = demoMeeting{
	title: "Réunion plénière de la table régionale — session d'automne", kind: workspace.MeetingPlenary, language: "fr",
	day: -28, hour: 9, minute: 30, length: 3 * time.Hour,
	place:   "Gouvernorat de Mahdia, salle des réunions, 1er étage",
	excused: []string{"rim.sassi@demo.tn", "najla.zouari@demo.tn"},
	absent:  []string{"yassine.kefi@demo.tn"},
	items: []demoItem{
		{
			title: "Parcours d'accompagnement à la création d'une petite entreprise : première lecture", minutes: 45,
			presenter: "dr-emploi", procedures: []int{0},
			said: "La Direction régionale de l'emploi présente le parcours. Les associations demandent un délai plus court pour le premier rendez-vous ; " +
				"l'Association des Tunisiens de retour de Mahdia insiste sur un interlocuteur unique pendant tout le parcours.",
			decision: "La table adopte en première lecture le parcours d'accompagnement à la création d'une petite entreprise, " +
				"avec un rendez-vous d'orientation sous 7 jours ouvrables et un référent unique pour chaque personne.",
			outcome: workspace.OutcomeAdopted,
			actions: []demoAction{
				{title: "Diffuser le parcours adopté aux bureaux de l'emploi des délégations", owner: "dr-emploi", due: -18, done: true},
				{title: "Désigner un référent unique dans chaque bureau de l'emploi du gouvernorat", owner: "dr-emploi", due: -4},
			},
		},
		{
			title: "Parcours vers un projet agricole : point d'étape", minutes: 30,
			presenter: "tre-sidi-alouane", procedures: []int{1},
			said:     "Le collectif de Sidi Alouane rappelle que plusieurs projets ont manqué la saison des semis l'an dernier, faute de réponse de la banque à temps.",
			decision: "La table reporte l'examen du parcours agricole à la prochaine plénière, après l'avis du groupe de travail sur les délais de réponse.",
			outcome:  workspace.OutcomePostponed,
			actions: []demoAction{
				{title: "Réunir le groupe de travail sur le parcours agricole avant la prochaine plénière", owner: "gouvernorat", due: -8, done: true},
			},
		},
		{
			title: "Campagne d'information auprès des migrants de retour à El Jem, Chebba et Bou Merdes", minutes: 30,
			presenter: "femmes-chebba",
			said:      "L'Association Femmes et Citoyenneté propose trois réunions publiques, dans les maisons des jeunes, avec des supports en arabe et en français.",
			decision:  "La table adopte le calendrier de la campagne : trois réunions publiques au premier trimestre, supports bilingues.",
			outcome:   workspace.OutcomeAdopted,
			actions: []demoAction{
				{title: "Préparer les affiches et dépliants bilingues de la campagne", owner: "femmes-chebba", due: 30},
			},
		},
		{
			title: "Annuaire régional des services d'accompagnement : mise à jour", minutes: 20,
			presenter: "programme-migration", procedures: []int{0, 1},
			said:     "Le bureau du programme rappelle que l'annuaire date du diagnostic initial ; plusieurs services ont changé d'adresse.",
			decision: "La table charge le bureau du programme de mettre à jour l'annuaire, avec les fiches des deux parcours.",
			outcome:  workspace.OutcomeAdopted,
			actions: []demoAction{
				{title: "Mettre à jour l'annuaire régional et le diffuser aux membres", owner: "programme-migration", due: 45},
			},
		},
	},
	closing: "La séance est levée vers midi. Prochaine plénière : session d'hiver, date communiquée par le secrétariat.",
}

var nextPlenary = demoMeeting{
	title: "Réunion plénière de la table régionale — session d'hiver", kind: workspace.MeetingPlenary, language: "fr",
	day: 21, hour: 9, minute: 30, length: 3 * time.Hour,
	place: "Gouvernorat de Mahdia, salle des réunions, 1er étage",
	link:  "https://visio.example.tn/table-mahdia",
	items: []demoItem{
		{title: "Parcours vers un projet agricole : avis du groupe de travail et adoption", minutes: 40, presenter: "tre-sidi-alouane", procedures: []int{1}},
		{title: "Parcours d'accompagnement à la création d'une petite entreprise : version 2", minutes: 30, presenter: "dr-emploi", procedures: []int{0}},
		{title: "Bilan de la campagne d'information", minutes: 20, presenter: "femmes-chebba"},
		{title: "Questions diverses", minutes: 15},
	},
}

var pastGroup = demoMeeting{
	title: "فريق العمل حول المسار الفلاحي — الاجتماع الأول", kind: workspace.MeetingWorkingGroup, language: "ar",
	day: -10, hour: 14, minute: 0, length: 2 * time.Hour,
	place: "مقر ولاية المهدية، قاعة الاجتماعات الصغرى",
	invitees: []string{"leila.hammami@demo.tn", SecretariatEmail, "mounir.benamor@demo.tn", "salwa.chebbi@demo.tn",
		"najla.zouari@demo.tn", "adel.messaoudi@demo.tn", "fethi.hamdi@demo.tn", "hela.jaziri@demo.tn"},
	excused: []string{"najla.zouari@demo.tn"},
	items: []demoItem{
		{
			title: "آجال الرد على ملفات المشاريع الفلاحية الموسمية", minutes: 40, presenter: "tre-sidi-alouane", procedures: []int{1},
			said:     "ذكّر ممثل تنسيقية سيدي علوان بأن عدة ملفات رُفضت أو تأخرت بعد فوات موسم البذر.",
			decision: "يقترح فريق العمل على الجلسة العامة أجلًا مختصرًا بعشرة أيام للملفات الموسمية، وتراسل الكتابة البنك في الغرض.",
			outcome:  workspace.OutcomeAdopted,
			actions: []demoAction{
				{title: "مراسلة البنك حول معالجة استثنائية للمشاريع الفلاحية الموسمية", owner: "gouvernorat", due: 12},
			},
		},
		{
			title: "الإرشاد الفلاحي قبل التكوين", minutes: 30, presenter: "dr-social", procedures: []int{1},
			said:     "اقترحت جمعية المرأة والمواطنة بالشابة حصة إرشاد فلاحي مشتركة للنساء العائدات.",
			decision: "تُدرج حصة إرشاد فلاحي قبل التكوين في المسار، مفتوحة للنساء العائدات اللواتي يبعثن مشروعًا بمفردهن.",
			outcome:  workspace.OutcomeAdopted,
		},
		{
			title: "زيارات ميدانية إلى مستغلات العائدين بسيدي علوان", minutes: 20, presenter: "tre-sidi-alouane",
			decision: "تؤجَّل الزيارات الميدانية إلى ما بعد موسم البذر.",
			outcome:  workspace.OutcomePostponed,
		},
	},
	closing: "رُفعت الجلسة قبل الساعة الرابعة مساءً.",
}

var nextGroup = demoMeeting{
	title: "فريق العمل حول المسار الفلاحي — الاجتماع الثاني", kind: workspace.MeetingWorkingGroup, language: "ar",
	day: 9, hour: 10, minute: 0, length: 2 * time.Hour,
	link:     "https://visio.example.tn/groupe-fellahi",
	invitees: pastGroup.invitees,
	items: []demoItem{
		{title: "صيغة المسار الفلاحي المعروضة على الجلسة العامة", minutes: 45, presenter: "tre-sidi-alouane", procedures: []int{1}},
	},
}

// cancelledGroup is a working group that was planned, then cancelled by
// the secretariat a few days before it: its page, the lists and the
// calendar show it cancelled, with its reason in French and Arabic.
var cancelledGroup = demoMeeting{
	title: "Groupe de travail — rencontre avec les délégations du littoral", kind: workspace.MeetingWorkingGroup, language: "fr",
	day: 16, hour: 9, minute: 30, length: 2 * time.Hour,
	place:    "Délégation de Ksour Essef, salle polyvalente",
	invitees: pastGroup.invitees,
	items: []demoItem{
		{title: "Les guichets d'accueil des délégations côtières", minutes: 40, presenter: "gouvernorat"},
		{title: "مشاركة البلديات الساحلية في المسار الفلاحي", minutes: 30},
	},
}

// cancelReason is why the demo's cancelled working group was cancelled.
const cancelReason = "La salle polyvalente de Ksour Essef est en travaux\u202f; la rencontre sera replanifiée avec le prochain groupe de travail.\n" +
	"القاعة متعددة الاختصاصات بقصور الساف في طور الأشغال، وسيُعاد برمجة اللقاء مع فريق العمل القادم."

// meetingLoader holds what the demo's meetings are built from.
type meetingLoader struct {
	db       *sqlite.DB
	actor    workspace.Actor
	zone     *time.Location
	today    time.Time // midnight of the load day, in zone
	orgs     map[string]int64
	procs    []int64
	accounts map[string]*workspace.Account
}

// loadMeetings makes the demo's meetings. The meetings held before the
// load are made with the store's clock set back to their time, so that
// their start, close, decisions, actions and minutes carry the dates they
// would have had; the clock is given back afterwards.
func loadMeetings(ctx context.Context, db *sqlite.DB, actor workspace.Actor) error {
	l := &meetingLoader{db: db, actor: actor, zone: demoZone(), orgs: map[string]int64{}, accounts: map[string]*workspace.Account{}}
	now := db.Now().In(l.zone)
	l.today = time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, l.zone)

	found, err := db.FindOrganisations(ctx, workspace.OrganisationFilter{})
	if err != nil {
		return err
	}
	for _, o := range organisations {
		for _, f := range found {
			if f.NameFR == o.nameFR {
				l.orgs[o.key] = f.ID
			}
		}
	}
	procs, err := db.FindProcedures(ctx)
	if err != nil {
		return err
	}
	for _, p := range procedures {
		for _, f := range procs {
			if f.Title == p.title {
				l.procs = append(l.procs, f.ID)
			}
		}
	}
	if len(l.procs) != len(procedures) {
		return fmt.Errorf("demo: meetings: %d of %d procedures found", len(l.procs), len(procedures))
	}
	accs, err := db.FindAccounts(ctx, workspace.AccountFilter{})
	if err != nil {
		return err
	}
	for _, a := range accs {
		l.accounts[a.Email] = a
	}

	// In the order it would have happened: each next meeting is planned
	// before the one it follows closes, and receives its minutes and
	// pending actions when it does.
	plenary, err := l.create(ctx, pastPlenary, -38)
	if err != nil {
		return err
	}
	if _, err := l.create(ctx, nextPlenary, -29); err != nil {
		return err
	}
	if err := l.hold(ctx, plenary, pastPlenary); err != nil {
		return err
	}
	group, err := l.create(ctx, pastGroup, -17)
	if err != nil {
		return err
	}
	if _, err := l.create(ctx, nextGroup, -11); err != nil {
		return err
	}
	if err := l.hold(ctx, group, pastGroup); err != nil {
		return err
	}
	if err := l.markDone(ctx, plenary, pastPlenary); err != nil {
		return err
	}
	return l.cancel(ctx, cancelledGroup, -6, -2)
}

// cancel plans dm on the day createdDay and cancels it on the day
// cancelledDay (both from the load day), as the loader's actor, like
// every change the demo makes.
func (l *meetingLoader) cancel(ctx context.Context, dm demoMeeting, createdDay, cancelledDay int) error {
	m, err := l.create(ctx, dm, createdDay)
	if err != nil {
		return err
	}
	return l.asOf(l.at(cancelledDay, 16, 0), func() error {
		if _, err := l.db.CancelMeeting(ctx, l.actor, m.ID, cancelReason); err != nil {
			return fmt.Errorf("demo: cancel %q: %w", dm.title, err)
		}
		return nil
	})
}

// at returns the instant days from the load day at hour:minute, local.
func (l *meetingLoader) at(days, hour, minute int) time.Time {
	d := l.today.AddDate(0, 0, days)
	return time.Date(d.Year(), d.Month(), d.Day(), hour, minute, 0, 0, l.zone)
}

// asOf runs fn with the store's clock set to t, and moving on from it
// with real time; then gives the clock back. Calls nest.
func (l *meetingLoader) asOf(t time.Time, fn func() error) error {
	real := l.db.Now
	start := real()
	l.db.Now = func() time.Time { return t.UTC().Add(real().Sub(start)) }
	defer func() { l.db.Now = real }()
	return fn()
}

// create plans dm, as if on the day createdDay (from the load day), with
// its agenda.
func (l *meetingLoader) create(ctx context.Context, dm demoMeeting, createdDay int) (*workspace.Meeting, error) {
	start := l.at(dm.day, dm.hour, dm.minute)
	m := &workspace.Meeting{Title: dm.title, Kind: dm.kind, Language: dm.language, StartsAt: start, EndsAt: start.Add(dm.length),
		Place: dm.place, OnlineLink: dm.link, QuorumRule: workspace.QuorumHalfPlusOne}
	var invitees []int64
	for _, email := range dm.invitees {
		acc, ok := l.accounts[email]
		if !ok {
			return nil, fmt.Errorf("demo: meeting %q: no account %s", dm.title, email)
		}
		invitees = append(invitees, acc.ID)
	}
	err := l.asOf(l.at(createdDay, 10, 0), func() error {
		if err := l.db.CreateMeeting(ctx, l.actor, m, invitees); err != nil {
			return fmt.Errorf("demo: meeting %q: %w", dm.title, err)
		}
		for _, di := range dm.items {
			it := &workspace.AgendaItem{MeetingID: m.ID, Kind: workspace.ItemOrdinary, Title: di.title, DurationMinutes: di.minutes}
			if di.presenter != "" {
				id, ok := l.orgs[di.presenter]
				if !ok {
					return fmt.Errorf("demo: item %q: no organisation %q", di.title, di.presenter)
				}
				it.PresenterOrganisationID = &id
			}
			var procIDs []int64
			for _, i := range di.procedures {
				procIDs = append(procIDs, l.procs[i])
			}
			if err := l.db.AddAgendaItem(ctx, l.actor, it, procIDs); err != nil {
				return fmt.Errorf("demo: item %q: %w", di.title, err)
			}
		}
		return nil
	})
	return m, err
}

// hold runs meeting m as dm says, on its day: attendance, start with the
// minutes pre-filled, the secretariat's notes and a decision per item
// with its actions, then the close, which carries the minutes and the
// pending actions over to the next meeting of its kind.
func (l *meetingLoader) hold(ctx context.Context, m *workspace.Meeting, dm demoMeeting) error {
	secretariat := l.accounts[SecretariatEmail]
	if dm.language == "ar" {
		secretariat = l.accounts["leila.hammami@demo.tn"]
	}
	if secretariat == nil {
		return fmt.Errorf("demo: meeting %q: no secretariat account", dm.title)
	}
	// The meeting opens five minutes late, and each item takes three
	// minutes more than planned per item before it.
	clock := m.StartsAt.Add(5 * time.Minute)
	return l.asOf(m.StartsAt.Add(-10*time.Minute), func() error {
		rec, err := l.db.FindMeetingRecord(ctx, m.ID)
		if err != nil {
			return err
		}
		status := map[string]workspace.Attendance{}
		for _, e := range dm.excused {
			status[e] = workspace.AttendanceExcused
		}
		for _, e := range dm.absent {
			status[e] = workspace.AttendanceAbsent
		}
		for _, inv := range rec.Invitees {
			a := workspace.AttendancePresent
			if inv.Account != nil {
				if s, ok := status[inv.Account.Email]; ok {
					a = s
				}
			}
			if err := l.db.SetAttendance(ctx, l.actor, m.ID, inv.AccountID, a); err != nil {
				return fmt.Errorf("demo: attendance at %q: %w", dm.title, err)
			}
		}
		var started *workspace.Meeting
		err = l.asOf(clock, func() error {
			var err error
			started, err = l.db.StartMeeting(ctx, l.actor, m.ID, func(r *workspace.MeetingRecord) string {
				return l.prefill(r)
			})
			return err
		})
		if err != nil {
			return fmt.Errorf("demo: start %q: %w", dm.title, err)
		}
		if started.MinutesDocumentID == nil {
			return fmt.Errorf("demo: %q started without minutes", dm.title)
		}
		rec, err = l.db.FindMeetingRecord(ctx, m.ID)
		if err != nil {
			return err
		}
		var items []*workspace.AgendaItem
		for _, it := range rec.Items {
			if it.Kind == workspace.ItemOrdinary {
				items = append(items, it)
			}
		}
		if len(items) != len(dm.items) {
			return fmt.Errorf("demo: %q has %d ordinary items, want %d", dm.title, len(items), len(dm.items))
		}
		for i, di := range dm.items {
			err := l.asOf(clock, func() error {
				return l.holdItem(ctx, started, items[i], di, secretariat)
			})
			if err != nil {
				return fmt.Errorf("demo: %q: %w", dm.title, err)
			}
			clock = clock.Add(time.Duration(di.minutes+3*i) * time.Minute)
		}
		return l.asOf(clock, func() error {
			if dm.closing != "" {
				if err := appendMinutes(ctx, l.db, *started.MinutesDocumentID, secretariat, "\n"+dm.closing+"\n"); err != nil {
					return fmt.Errorf("demo: minutes of %q: %w", dm.title, err)
				}
			}
			if err := l.voteDuringMeeting(ctx, started, items); err != nil {
				return err
			}
			if _, err := l.db.CloseMeeting(ctx, l.actor, m.ID); err != nil {
				return fmt.Errorf("demo: close %q: %w", dm.title, err)
			}
			return nil
		})
	})
}

// holdItem makes it the current item of the live meeting m, unless it is
// already, and records what di says of it: the discussion in the minutes,
// the decision and its actions.
func (l *meetingLoader) holdItem(ctx context.Context, m *workspace.Meeting, it *workspace.AgendaItem, di demoItem, secretariat *workspace.Account) error {
	if m.CurrentItemID == nil || *m.CurrentItemID != it.ID {
		if err := l.db.MoveCurrentItem(ctx, l.actor, m.ID, it.ID); err != nil {
			return fmt.Errorf("move to %q: %w", di.title, err)
		}
	}
	outcome := outcomeWords[m.Language]
	var notes strings.Builder
	fmt.Fprintf(&notes, "\n### %d. %s\n\n", it.Position, di.title)
	if di.said != "" {
		notes.WriteString(di.said + "\n\n")
	}
	if di.decision != "" {
		d := &workspace.Decision{AgendaItemID: it.ID, Text: di.decision, Outcome: di.outcome}
		if err := l.db.RecordDecision(ctx, l.actor, d); err != nil {
			return fmt.Errorf("decision on %q: %w", di.title, err)
		}
		fmt.Fprintf(&notes, "**%s** — %s\n", outcome[di.outcome], di.decision)
		for _, da := range di.actions {
			owner, ok := l.orgs[da.owner]
			if !ok {
				return fmt.Errorf("action %q: no organisation %q", da.title, da.owner)
			}
			a := &workspace.Action{DecisionID: d.ID, Title: da.title, OwnerOrganisationID: owner,
				DueDate: l.today.AddDate(0, 0, da.due).Format(workspace.DateLayout), Status: workspace.ActionOpen}
			if err := l.db.AddAction(ctx, l.actor, a); err != nil {
				return fmt.Errorf("action %q: %w", da.title, err)
			}
			fmt.Fprintf(&notes, "- %s (%s)\n", da.title, a.DueDate)
		}
	}
	if err := appendMinutes(ctx, l.db, *m.MinutesDocumentID, secretariat, notes.String()); err != nil {
		return fmt.Errorf("minutes: %w", err)
	}
	return nil
}

// markDone marks done, a week after meeting m, the actions dm says were
// done.
func (l *meetingLoader) markDone(ctx context.Context, m *workspace.Meeting, dm demoMeeting) error {
	done := map[string]bool{}
	for _, di := range dm.items {
		for _, da := range di.actions {
			if da.done {
				done[da.title] = true
			}
		}
	}
	return l.asOf(m.StartsAt.AddDate(0, 0, 7), func() error {
		actions, _, err := l.db.FindActions(ctx, sqlite.ActionFilter{MeetingID: m.ID})
		if err != nil {
			return err
		}
		for _, a := range actions {
			if !done[a.Title] {
				continue
			}
			a.Status = workspace.ActionDone
			if err := l.db.UpdateAction(ctx, l.actor, a); err != nil {
				return fmt.Errorf("demo: action %q done: %w", a.Title, err)
			}
		}
		return nil
	})
}

// outcomeWords names a decision's outcome in the minutes' language.
var outcomeWords = map[string]map[workspace.DecisionOutcome]string{
	"fr": {workspace.OutcomeAdopted: "Adopté", workspace.OutcomeRejected: "Rejeté", workspace.OutcomePostponed: "Reporté"},
	"ar": {workspace.OutcomeAdopted: "تمت المصادقة", workspace.OutcomeRejected: "تم الرفض", workspace.OutcomePostponed: "تم التأجيل"},
}

// prefill is the demo's own opening of the minutes, in the meeting's
// language: the title, the date and place, who came, and the agenda. (The
// server has its own pre-fill for meetings started from the pages.)
func (l *meetingLoader) prefill(rec *workspace.MeetingRecord) string {
	m := rec.Meeting
	ar := m.Language == "ar"
	word := func(fr, arabic string) string {
		if ar {
			return arabic
		}
		return fr
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# %s — %s\n\n%s\n\n", word("Procès-verbal", "محضر"), m.Title, demoNote)
	start := m.StartsAt.In(l.zone)
	fmt.Fprintf(&b, "- %s : %s, %s–%s\n", word("Date", "التاريخ"), start.Format("2006-01-02"), start.Format("15:04"), m.EndsAt.In(l.zone).Format("15:04"))
	if m.Place != "" {
		fmt.Fprintf(&b, "- %s : %s\n", word("Lieu", "المكان"), m.Place)
	}
	q := rec.Quorum()
	fmt.Fprintf(&b, "- %s : %d / %d\n\n", word("Quorum (membres votants présents)", "النصاب (الأعضاء المصوّتون الحاضرون)"), q.Present, q.Electorate)

	fmt.Fprintf(&b, "## %s\n\n", word("Présences", "الحضور"))
	groups := []struct {
		a     workspace.Attendance
		label string
	}{
		{workspace.AttendancePresent, word("Présents", "الحاضرون")},
		{workspace.AttendanceExcused, word("Excusés", "المعتذرون")},
		{workspace.AttendanceAbsent, word("Absents", "الغائبون")},
	}
	for _, g := range groups {
		var names []string
		for _, inv := range rec.Invitees {
			if inv.Attendance != g.a || inv.Account == nil {
				continue
			}
			name := inv.Account.Name
			if org := inv.Account.Organisation; org != nil {
				name += " (" + org.Name(m.Language) + ")"
			}
			names = append(names, name)
		}
		if len(names) > 0 {
			fmt.Fprintf(&b, "**%s** : %s\n\n", g.label, strings.Join(names, ", "))
		}
	}

	fmt.Fprintf(&b, "## %s\n\n", word("Ordre du jour", "جدول الأعمال"))
	for _, it := range rec.Items {
		title := it.Title
		switch it.Kind {
		case workspace.ItemMinutesApproval:
			title = word("Approbation du procès-verbal : ", "المصادقة على محضر: ") + it.SourceMeetingTitle
		case workspace.ItemMattersArising:
			title = word("Suivi des actions : ", "متابعة الإجراءات: ") + it.SourceMeetingTitle
		}
		fmt.Fprintf(&b, "%d. %s (%d %s)\n", it.Position, title, it.DurationMinutes, word("min", "دقيقة"))
	}
	fmt.Fprintf(&b, "\n## %s\n", word("Débats et décisions", "النقاش والقرارات"))
	return b.String()
}

// appendMinutes adds text at the end of the minutes as an update by
// author, as their editor would have sent it.
func appendMinutes(ctx context.Context, db *sqlite.DB, docID int64, author *workspace.Account, text string) error {
	current, version, err := storedText(ctx, db, docID)
	if err != nil {
		return err
	}
	set, err := diff.Changes(current, current+text)
	if err != nil {
		return err
	}
	changes, err := set.MarshalJSON()
	if err != nil {
		return err
	}
	update := &workspace.DocumentUpdate{
		ClientID: "demo-minutes-" + author.Email, ClientSeq: int64(version + 1), Changes: string(changes), AccountID: &author.ID,
	}
	return db.AppendDocumentUpdates(ctx, docID, version, []*workspace.DocumentUpdate{update})
}
