package server

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"html"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"tawla/demo"
	"tawla/internal/testsupport"
	"tawla/workspace"
)

// recordingLog is a slog.Handler that keeps every record, at every level,
// with its attributes (those given to With too), as one line each.
type recordingLog struct {
	mu      *sync.Mutex
	records *[]string
	attrs   string
}

func newRecordingLog() *recordingLog {
	return &recordingLog{mu: &sync.Mutex{}, records: &[]string{}}
}

func (l *recordingLog) Enabled(context.Context, slog.Level) bool { return true }

func (l *recordingLog) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s%s", r.Level, r.Message, l.attrs)
	r.Attrs(func(a slog.Attr) bool {
		fmt.Fprintf(&b, " %s=%v", a.Key, a.Value)
		return true
	})
	l.mu.Lock()
	defer l.mu.Unlock()
	*l.records = append(*l.records, b.String())
	return nil
}

func (l *recordingLog) WithAttrs(attrs []slog.Attr) slog.Handler {
	c := *l
	for _, a := range attrs {
		c.attrs += fmt.Sprintf(" %s=%v", a.Key, a.Value)
	}
	return &c
}

func (l *recordingLog) WithGroup(string) slog.Handler { return l }

func (l *recordingLog) lines() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), *l.records...)
}

// liveRecorder keeps every message a websocket receives.
type liveRecorder struct {
	who  string
	ws   *websocket.Conn
	mu   sync.Mutex
	msgs [][]byte
	done chan struct{}
}

func recordLive(ws *websocket.Conn, who string) *liveRecorder {
	r := &liveRecorder{who: who, ws: ws, done: make(chan struct{})}
	go func() {
		defer close(r.done)
		for {
			_ = ws.SetReadDeadline(time.Now().Add(30 * time.Second))
			_, data, err := ws.ReadMessage()
			if err != nil {
				return
			}
			r.mu.Lock()
			r.msgs = append(r.msgs, data)
			r.mu.Unlock()
		}
	}()
	return r
}

func (r *liveRecorder) messages() [][]byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([][]byte(nil), r.msgs...)
}

// secretVoter is a voter of the test and their secret choice.
type secretVoter struct {
	email  string
	via    string // "http" or "ws"
	poll   *workspace.Poll
	option int64
	label  string // the choice as the poll page names it
	acc    *workspace.Account
}

// mentionsVoter reports whether text names v: their name or email.
func (v *secretVoter) mentionsVoter(text string) bool {
	return strings.Contains(text, v.acc.Name) || strings.Contains(text, v.acc.Email) ||
		strings.Contains(text, html.EscapeString(v.acc.Name))
}

// mentionsChoice reports whether text names v's choice: its label, or its
// option id next to a word that says it is a choice.
func (v *secretVoter) mentionsChoice(text string) bool {
	if strings.Contains(text, v.label) || strings.Contains(text, html.EscapeString(v.label)) {
		return true
	}
	re := regexp.MustCompile(`(?i)(choice|option)[^\n]{0,24}\b` + strconv.FormatInt(v.option, 10) + `\b`)
	return re.MatchString(text)
}

// jsonRecords returns every object of a JSON document as one record: its
// own scalar fields, "key=value" joined, without the objects nested in
// it (a meeting.state's attendance and its poll's options are records of
// their own).
func jsonRecords(data []byte) []string {
	var doc any
	if json.Unmarshal(data, &doc) != nil {
		return []string{string(data)}
	}
	var out []string
	var walk func(any)
	walk = func(x any) {
		switch x := x.(type) {
		case map[string]any:
			var b strings.Builder
			for k, v := range x {
				switch v := v.(type) {
				case map[string]any:
					walk(v)
				case []any:
					scalars := []string{}
					for _, e := range v {
						switch e.(type) {
						case map[string]any, []any:
							walk(e)
						default:
							scalars = append(scalars, fmt.Sprint(e))
						}
					}
					fmt.Fprintf(&b, " %s=[%s]", k, strings.Join(scalars, " "))
				default:
					fmt.Fprintf(&b, " %s=%v", k, v)
				}
			}
			out = append(out, b.String())
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(doc)
	return out
}

// pageRecords cuts an HTML page (or a CSV file) into records: the text
// between two closing tags of block elements, or two lines.
func pageRecords(body string) []string {
	re := regexp.MustCompile(`(?i)</(tr|li|p|dd|dt|td|th|h[1-6]|div|section|label|option|caption|summary|a|span|legend)>|\n`)
	return re.Split(body, -1)
}

// TestSecretBallotLeaks runs two secret polls — a choice on a meeting's
// agenda item and the adoption of a version — with several voters, some
// through the page's form and some over the live channel, while every
// role follows the polls and the meeting live; then it checks that no log
// line, audit entry, websocket message, page or export holds a link
// between a voter and their choice in one record, that ballots.csv
// refuses a secret poll, and that the table of secret ballots has no
// voter and no time, under random ids.
func TestSecretBallotLeaks(t *testing.T) {
	logs := newRecordingLog()
	ts := newTestServerWith(t, func(cfg *Config) { cfg.Logger = slog.New(logs) })
	ctx := context.Background()
	system := workspace.SystemActor("test")
	staff := workspace.ActorFor(ts.account(t, demo.SecretariatEmail))

	// The polls: a secret single choice on the meeting's first item, and
	// the secret adoption of a version.
	f := newRoomMeeting(t, ts, nil, true)
	mid, iid := f.meeting.ID, f.items[0].ID
	choice := &workspace.Poll{Question: "Quel lieu pour l'atelier ?", Kind: workspace.PollSingle, Mode: workspace.BallotSecret,
		Unit: workspace.VotePerPerson, MeetingID: &mid, AgendaItemID: &iid,
		Options: []*workspace.PollOption{{Label: "Salle Azurite"}, {Label: "Salle Basalte"}, {Label: "Salle Calcite"}, {Label: "Salle Dolomite"}}}
	proc := &workspace.Procedure{Title: "Parcours soumis au vote secret", Language: "fr", Category: workspace.CategoryReferralPathway}
	if err := ts.db.CreateProcedure(ctx, staff, proc, "# Parcours\n"); err != nil {
		t.Fatal(err)
	}
	version := &workspace.Version{Message: "Version soumise au vote secret"}
	if err := ts.db.CreateVersion(ctx, staff, proc.ID, 0, "# Parcours\n", version); err != nil {
		t.Fatal(err)
	}
	adoption := &workspace.Poll{Question: "Adopter la version 1 ?", Kind: workspace.PollYesNo, Mode: workspace.BallotSecret,
		Unit: workspace.VotePerPerson, Majority: workspace.MajoritySimple, CollegeRule: workspace.CollegeRuleNone,
		ProcedureID: &proc.ID, VersionNumber: version.Number}
	for _, p := range []*workspace.Poll{choice, adoption} {
		if err := ts.db.CreatePoll(ctx, staff, p); err != nil {
			t.Fatalf("create poll: %v", err)
		}
		if _, err := ts.db.OpenPoll(ctx, staff, p.ID); err != nil {
			t.Fatal(err)
		}
		ts.srv.publishPoll(ctx, p.ID)
	}
	for _, p := range []**workspace.Poll{&choice, &adoption} {
		got, err := ts.db.FindPollByID(ctx, (*p).ID)
		if err != nil {
			t.Fatal(err)
		}
		*p = got
	}
	pollPage := func(p *workspace.Poll) string { return "/polls/" + strconv.FormatInt(p.ID, 10) }
	meetingPage := "/meetings/" + strconv.FormatInt(mid, 10)
	versionPage := "/procedures/" + strconv.FormatInt(proc.ID, 10) + "/versions/" + strconv.Itoa(version.Number)

	// Everyone follows both polls and the meeting.
	followers := map[string]*client{}
	var recorders []*liveRecorder
	for _, email := range []string{demo.AdminEmail, demo.SecretariatEmail, demo.MemberEmail, nonVoterEmail, demo.StakeholderEmail} {
		c := ts.loginAs(t, email)
		followers[email] = c
		ws := mustDialWS(t, c)
		for _, topic := range []string{"poll:" + strconv.FormatInt(choice.ID, 10), "poll:" + strconv.FormatInt(adoption.ID, 10), f.topic()} {
			testsupport.SendText(t, ws, `{"type":"subscribe","topic":"`+topic+`"}`)
		}
		recorders = append(recorders, recordLive(ws, email))
	}

	// The voters, each with a choice of their own on the first poll, and
	// yes or no on the adoption.
	voters := []*secretVoter{
		{email: demo.MemberEmail, via: "http", poll: choice, option: choice.Options[0].ID},
		{email: "hela.jaziri@demo.tn", via: "ws", poll: choice, option: choice.Options[1].ID},
		{email: "rim.sassi@demo.tn", via: "http", poll: choice, option: choice.Options[2].ID},
		{email: "wafa.mabrouk@demo.tn", via: "ws", poll: choice, option: choice.Options[3].ID},
		{email: "yassine.kefi@demo.tn", via: "http", poll: adoption, option: pollOption(t, adoption, workspace.OptionYes)},
		{email: "kamel.ayari@demo.tn", via: "ws", poll: adoption, option: pollOption(t, adoption, workspace.OptionNo)},
	}
	labelRe := func(p *workspace.Poll, option int64) *regexp.Regexp {
		return regexp.MustCompile(`<label for="choice-` + strconv.FormatInt(p.ID, 10) + `-` + strconv.FormatInt(option, 10) + `"[^>]*>([^<]+)</label>`)
	}
	for _, v := range voters {
		v.acc = ts.account(t, v.email)
		c := ts.loginAs(t, v.email)
		page := c.get(t, pollPage(v.poll))
		m := labelRe(v.poll, v.option).FindStringSubmatch(page.Body)
		if m == nil {
			t.Fatalf("%s: the poll page offers no option %d:\n%s", v.email, v.option, page.Body)
		}
		v.label = html.UnescapeString(strings.TrimSpace(m[1]))
		switch v.via {
		case "http":
			resp := c.postForm(t, pollPage(v.poll)+"/vote", url.Values{"choice": {strconv.FormatInt(v.option, 10)}})
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("%s votes by form: %d\n%s", v.email, resp.StatusCode, resp.Body)
			}
		case "ws":
			ws := mustDialWS(t, c)
			testsupport.SendText(t, ws, pollVoteMsg(v.poll.ID, v.option))
			if got := pollAnswer(t, ws); got != msgPollVoted {
				t.Fatalf("%s votes live: %s", v.email, got)
			}
			ws.Close()
		}
		// The voter's own pages after voting.
		for _, path := range []string{pollPage(v.poll), meetingPage, meetingPage + "/room", versionPage} {
			checkPageRecords(t, voters, v.email+" "+path, c.get(t, path).Body)
		}
	}
	// Voting twice in a secret poll is refused, and says nothing of the
	// first ballot.
	again := ts.loginAs(t, demo.MemberEmail).postForm(t, pollPage(choice)+"/vote", url.Values{"choice": {strconv.FormatInt(choice.Options[1].ID, 10)}})
	if again.StatusCode == http.StatusSeeOther {
		t.Errorf("a second secret ballot was taken")
	}
	checkPageRecords(t, voters, "second ballot", again.Body)

	// The secretariat closes both polls.
	for _, p := range []*workspace.Poll{choice, adoption} {
		if _, err := ts.db.ClosePoll(ctx, staff, p.ID); err != nil {
			t.Fatal(err)
		}
		ts.srv.publishPoll(ctx, p.ID)
	}
	_ = system

	// Pages and exports, as every role.
	paths := []string{pollPage(choice), pollPage(adoption), meetingPage, meetingPage + "/room", meetingPage + "/projector",
		versionPage, "/admin/audit", "/admin/audit?entity=poll", "/procedures/" + strconv.FormatInt(proc.ID, 10)}
	for _, r := range ts.srv.Routes() {
		pattern := strings.TrimPrefix(r.Pattern, "GET ")
		if pattern == r.Pattern || !strings.Contains(pattern, ".csv") {
			continue
		}
		switch {
		case strings.HasPrefix(pattern, "/polls/{id}/"):
			paths = append(paths, strings.Replace(pattern, "{id}", strconv.FormatInt(choice.ID, 10), 1),
				strings.Replace(pattern, "{id}", strconv.FormatInt(adoption.ID, 10), 1))
		case strings.HasPrefix(pattern, "/procedures/{id}/"):
			paths = append(paths, strings.Replace(pattern, "{id}", strconv.FormatInt(proc.ID, 10), 1))
		case strings.HasPrefix(pattern, "/meetings/{id}/"):
			paths = append(paths, strings.Replace(pattern, "{id}", strconv.FormatInt(mid, 10), 1))
		case !strings.Contains(pattern, "{"):
			paths = append(paths, pattern)
		default:
			t.Logf("export %s: no example value, not read", pattern)
		}
	}
	for email, c := range followers {
		for _, path := range paths {
			resp := c.get(t, path)
			if strings.HasSuffix(strings.SplitN(path, "?", 2)[0], "ballots.csv") && resp.StatusCode == http.StatusOK {
				t.Errorf("%s: %s answers 200 for a secret poll", email, path)
			}
			checkPageRecords(t, voters, email+" "+path, resp.Body)
		}
	}

	// Every live message received by every role.
	time.Sleep(300 * time.Millisecond)
	sawClosed := map[string]int{}
	for _, r := range recorders {
		r.ws.Close()
		<-r.done
		for _, msg := range r.messages() {
			if strings.Contains(string(msg), `"status":"closed"`) && strings.Contains(string(msg), `"poll.state"`) {
				sawClosed[r.who]++
			}
			for _, rec := range jsonRecords(msg) {
				for _, v := range voters {
					if (v.mentionsVoter(rec) || strings.Contains(rec, "account="+strconv.FormatInt(v.acc.ID, 10)+" ")) && v.mentionsChoice(rec) {
						t.Errorf("a live message to %s links %s to their choice: %s", r.who, v.email, rec)
					}
				}
			}
		}
	}
	for _, email := range []string{demo.AdminEmail, demo.SecretariatEmail, demo.MemberEmail} {
		if sawClosed[email] < 2 {
			t.Errorf("%s saw %d closed polls live, want 2", email, sawClosed[email])
		}
	}
	if sawClosed[demo.StakeholderEmail] != 0 {
		t.Errorf("a stakeholder saw a poll live")
	}

	// The logs, every level.
	lines := logs.lines()
	for _, line := range lines {
		for _, v := range voters {
			if (v.mentionsVoter(line) || strings.Contains(line, "account="+strconv.FormatInt(v.acc.ID, 10))) && v.mentionsChoice(line) {
				t.Errorf("a log line links %s to their choice: %s", v.email, line)
			}
		}
		if strings.HasPrefix(line, "ERROR") {
			t.Errorf("logged an error: %s", line)
		}
	}

	// The audit log: no entry by a voter names their choice.
	entries, _, err := ts.db.FindAuditEntries(ctx, workspace.AuditFilter{Limit: 10000})
	if err != nil {
		t.Fatal(err)
	}
	// secretPoll tells whether an audit entry is about a secret poll
	// (the demo's polls too): such an entry names no choice at all.
	secretPoll := func(e *workspace.AuditEntry) bool {
		if e.EntityType != "poll" {
			return false
		}
		p, err := ts.db.FindPollByID(ctx, e.EntityID)
		return err == nil && p.Mode == workspace.BallotSecret
	}
	votes := 0
	for _, e := range entries {
		if e.Action == workspace.AuditVoteCast && secretPoll(e) && strings.Contains(strings.ToLower(e.Before+e.After), "choice") {
			t.Errorf("audit entry %d (%s) of a secret poll names a choice: %s %s", e.ID, e.Action, e.Before, e.After)
		}
		for _, v := range voters {
			byVoter := e.ActorID != nil && *e.ActorID == v.acc.ID
			text := e.ActorName + " " + e.Before + " " + e.After
			if e.Action == workspace.AuditVoteCast && byVoter && e.EntityID == v.poll.ID {
				votes++
			}
			aboutOurs := e.EntityType == "poll" && (e.EntityID == choice.ID || e.EntityID == adoption.ID)
			if (byVoter || v.mentionsVoter(text)) && (v.mentionsChoice(text) || (aboutOurs && strings.Contains(strings.ToLower(e.Before+e.After), "choice"))) {
				t.Errorf("audit entry %d (%s) links %s to their choice: %s", e.ID, e.Action, v.email, text)
			}
		}
	}
	if votes != len(voters) {
		t.Errorf("%d vote.cast entries by the voters, want %d (one each, naming the poll)", votes, len(voters))
	}

	// The database: secret ballots have no voter and no time, and random
	// ids; who took part is kept apart, with no time and no ballot.
	raw, err := sql.Open("sqlite3", "file:"+ts.db.Path()+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	columns := func(table string) []string {
		rows, err := raw.Query(`SELECT name FROM pragma_table_info(?)`, table)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var names []string
		for rows.Next() {
			var n string
			if err := rows.Scan(&n); err != nil {
				t.Fatal(err)
			}
			names = append(names, n)
		}
		return names
	}
	if got := strings.Join(columns("secret_ballots"), ","); got != "id,poll_id,college,choices" {
		t.Errorf("secret_ballots has columns %s, want id,poll_id,college,choices", got)
	}
	for _, c := range columns("poll_participants") {
		if regexp.MustCompile(`(?i)ballot|choice|time|_at$|created|cast`).MatchString(c) {
			t.Errorf("poll_participants has a column %s that could link a voter to a ballot", c)
		}
	}
	rows, err := raw.Query(`SELECT id FROM secret_ballots WHERE poll_id IN (?, ?)`, choice.ID, adoption.ID)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		n++
		if id < 1<<40 {
			t.Errorf("secret ballot id %d does not look random", id)
		}
	}
	rows.Close()
	if n != len(voters) {
		t.Errorf("%d secret ballots, want %d", n, len(voters))
	}
}

// checkPageRecords fails t when a record of body names a voter and their
// choice together.
func checkPageRecords(t *testing.T, voters []*secretVoter, where, body string) {
	t.Helper()
	for _, rec := range pageRecords(body) {
		for _, v := range voters {
			if v.label != "" && v.mentionsVoter(rec) && v.mentionsChoice(rec) {
				t.Errorf("%s links %s to their choice: %q", where, v.email, rec)
			}
		}
	}
}
