package server

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"tawla/demo"
	"tawla/workspace"
)

// TestConsultationCloseNow: the secretariat's page offers to close an
// open consultation now, behind a confirmation; closing it tells the
// pages that follow the draft (consultation.closed), writes the audit
// log, and from then a stakeholder's comment is refused with its text
// kept. A member may not close it, and closing it twice is a conflict;
// neither changes anything.
func TestConsultationCloseNow(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	proc := ts.createTestProcedure(t, "fr", "# Clôture\n\nLe délai de réponse est de trente jours.\n")
	path := "/procedures/" + strconv.FormatInt(proc.ID, 10)
	if err := ts.db.OpenConsultation(ctx, workspace.SystemActor("test"), &workspace.Consultation{ProcedureID: proc.ID, ClosesAt: ts.clock.Now().Add(7 * 24 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	secretariat := ts.sessionClient(t, demo.SecretariatEmail)
	page := secretariat.get(t, path+"?lang=fr")
	for _, want := range []string{`<details class="confirm consultation-close">`, `action="` + path + `/consultation/close"`, "Clore la consultation maintenant"} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("the secretariat's page lacks %q", want)
		}
	}
	member := ts.sessionClient(t, demo.MemberEmail)
	if page := member.get(t, path); strings.Contains(page.Body, "/consultation/close") {
		t.Errorf("a member's page offers to close the consultation")
	}

	before := ts.snapshot(t)
	resp := member.postForm(t, path+"/consultation/close", url.Values{})
	wantStatus(t, "a member closes the consultation", resp, http.StatusForbidden)
	if after := ts.snapshot(t); after != before {
		t.Errorf("a member's refused closing changed the data")
	}

	next := followDraft(t, ts, proc)

	ts.clock.Advance(time.Hour)
	resp = secretariat.postForm(t, path+"/consultation/close", url.Values{})
	wantStatus(t, "the secretariat closes the consultation", resp, http.StatusSeeOther)
	cons, err := ts.db.FindConsultation(ctx, proc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if d := ts.clock.Now().Sub(cons.ClosesAt); d < 0 || d > time.Minute {
		t.Errorf("the consultation closes at %v, want now, %v", cons.ClosesAt, ts.clock.Now())
	}
	if ev := next(); ev["kind"] != "consultation.closed" || ev["comment"] != float64(cons.ID) {
		t.Errorf("event %v, want consultation.closed of %d", ev, cons.ID)
	}
	entries, _, err := ts.db.FindAuditEntries(ctx, workspace.AuditFilter{Action: workspace.AuditConsultationClose})
	if err != nil || len(entries) != 1 {
		t.Errorf("%d audit entries of the closing (%v), want 1", len(entries), err)
	}

	_, version, from := findInDraft(t, ts, proc, "trente")
	stakeholder := ts.sessionClient(t, demo.StakeholderEmail)
	resp = stakeholder.postForm(t, path+"/comments?lang=fr", url.Values{"version": {strconv.Itoa(version)}, "from": {strconv.Itoa(from)},
		"to": {strconv.Itoa(from + 6)}, "kind": {"comment"}, "body": {"Trente jours, c'est long."}})
	wantStatus(t, "a stakeholder's comment once closed", resp, http.StatusForbidden)
	if !strings.Contains(resp.Body, `id="comment-unsent"`) || !strings.Contains(resp.Body, formatDate(cons.ClosesAt, ts.srv.location)) {
		t.Errorf("the refused comment does not come back with its text and the closing date")
	}

	before = ts.snapshot(t)
	resp = secretariat.postForm(t, path+"/consultation/close", url.Values{})
	wantStatus(t, "closing twice", resp, http.StatusConflict)
	if after := ts.snapshot(t); after != before {
		t.Errorf("closing twice changed the data")
	}
	if page := secretariat.get(t, path); strings.Contains(page.Body, "/consultation/close") {
		t.Errorf("the page still offers to close a closed consultation")
	}
}

// TestConsultationOpensLater: the secretariat opens a consultation from a
// later date, given in the table's time zone; until then the stakeholder's
// page says when it opens and until when, offers no comment form, and a
// comment is refused with its text kept; from the opening date the form
// is there. An opening date after the closing date, or unreadable, is
// refused with the form refilled, and nothing stored.
func TestConsultationOpensLater(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	proc := ts.createTestProcedure(t, "ar", "# استشارة لاحقة\n\nنص المشروع للتعليق.\n")
	path := "/procedures/" + strconv.FormatInt(proc.ID, 10)
	now := ts.clock.Now().In(ts.srv.location).Truncate(time.Minute)
	opens, closes := now.Add(48*time.Hour), now.Add(10*24*time.Hour)
	secretariat := ts.sessionClient(t, demo.SecretariatEmail)

	for _, tt := range []struct {
		name  string
		opens string
		want  string
	}{
		{"AfterClosing", closes.Add(time.Hour).Format(consultationDateLayout), "اختر تاريخ فتح يسبق تاريخ الغلق."},
		{"Unreadable", "بعد غد", "أدخل تاريخ الفتح وساعته"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := ts.snapshot(t)
			resp := secretariat.postForm(t, path+"/consultation?lang=ar", url.Values{"opens_at": {tt.opens}, "closes_at": {closes.Format(consultationDateLayout)}})
			wantStatus(t, "refused opening date", resp, http.StatusBadRequest)
			for _, want := range []string{`id="consultation-error"`, tt.want, `value="` + tt.opens + `"`, `value="` + closes.Format(consultationDateLayout) + `"`} {
				if !strings.Contains(resp.Body, want) {
					t.Errorf("the page shown again lacks %q", want)
				}
			}
			if after := ts.snapshot(t); after != before {
				t.Errorf("a refused opening changed the data")
			}
		})
	}

	resp := secretariat.postForm(t, path+"/consultation", url.Values{"opens_at": {opens.Format(consultationDateLayout)}, "closes_at": {closes.Format(consultationDateLayout)}})
	wantStatus(t, "open from a later date", resp, http.StatusSeeOther)
	cons, err := ts.db.FindConsultation(ctx, proc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if cons.OpensAt == nil || !cons.OpensAt.Equal(opens) {
		t.Fatalf("the consultation opens at %v, want %v (the date given in the table's time zone)", cons.OpensAt, opens)
	}

	stakeholder := ts.sessionClient(t, demo.StakeholderEmail)
	page := stakeholder.get(t, path+"?lang=ar")
	for _, want := range []string{`class="consultation-announced"`, "تُفتح الاستشارة في", formatDate(opens, ts.srv.location), formatDate(closes, ts.srv.location)} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("before the opening date the stakeholder's page lacks %q", want)
		}
	}
	if strings.Contains(page.Body, `id="comment-form"`) || strings.Contains(page.Body, `class="consultation-invitation"`) {
		t.Errorf("before the opening date the stakeholder is invited to comment")
	}
	comment := url.Values{"version": {"0"}, "from": {"2"}, "to": {"7"}, "kind": {"comment"}, "body": {"ملاحظة مبكرة"}}
	before := ts.snapshot(t)
	resp = stakeholder.postForm(t, path+"/comments?lang=ar", comment)
	wantStatus(t, "a comment before the opening date", resp, http.StatusForbidden)
	if !strings.Contains(resp.Body, `id="comment-unsent"`) || !strings.Contains(resp.Body, "ملاحظة مبكرة</textarea>") || !strings.Contains(resp.Body, "تُفتح الاستشارة في") {
		t.Errorf("the comment refused before the opening date does not come back with its text and the opening date")
	}
	if after := ts.snapshot(t); after != before {
		t.Errorf("a comment before the opening date changed the data")
	}

	ts.clock.Advance(48*time.Hour + time.Minute)
	stakeholder.keepSession(t)
	if page := stakeholder.get(t, path); !strings.Contains(page.Body, `id="comment-form"`) || !strings.Contains(page.Body, `class="consultation-invitation"`) {
		t.Errorf("from the opening date the stakeholder's page has no comment form or no invitation")
	}
	resp = stakeholder.postForm(t, path+"/comments", comment)
	wantStatus(t, "a comment from the opening date", resp, http.StatusSeeOther)
}

// TestAnnouncementWhileOpenKeepsTheForm: announcing the next consultation
// while one is open is refused (409) on the procedure's page, in the
// reader's language, with the dates typed kept, and nothing changes.
func TestAnnouncementWhileOpenKeepsTheForm(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	proc := ts.createTestProcedure(t, "fr", "# Annonce\n\nLe délai de réponse est de trente jours.\n")
	path := "/procedures/" + strconv.FormatInt(proc.ID, 10)
	if err := ts.db.OpenConsultation(ctx, workspace.SystemActor("test"), &workspace.Consultation{ProcedureID: proc.ID, ClosesAt: ts.clock.Now().Add(7 * 24 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	now := ts.clock.Now().In(ts.srv.location).Truncate(time.Minute)
	opens, closes := now.Add(10*24*time.Hour).Format(consultationDateLayout), now.Add(30*24*time.Hour).Format(consultationDateLayout)
	secretariat := ts.sessionClient(t, demo.SecretariatEmail)
	before := ts.snapshot(t)
	resp := secretariat.postForm(t, path+"/consultation?lang=ar", url.Values{"opens_at": {opens}, "closes_at": {closes}})
	wantStatus(t, "an announcement while a consultation is open", resp, http.StatusConflict)
	for _, want := range []string{"توجد استشارة مفتوحة الآن", `value="` + opens + `"`, `value="` + closes + `"`} {
		if !strings.Contains(resp.Body, want) {
			t.Errorf("the refused announcement's page lacks %q", want)
		}
	}
	if after := ts.snapshot(t); after != before {
		t.Errorf("a refused announcement changed the data")
	}
}

// TestConsultationSaysTheDraftChanged: a consultation on a frozen version
// says nothing more while the draft reads as that version; once the draft
// moves on, the comments panel says that comments go on the text as it is
// now, with a link to the changes since the version, in the reader's
// language.
func TestConsultationSaysTheDraftChanged(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	proc := ts.createTestProcedure(t, "fr", "# Accueil\n\nLe délai de réponse est de trente jours.\n")
	path := "/procedures/" + strconv.FormatInt(proc.ID, 10)
	member := ts.sessionClient(t, demo.MemberEmail)
	wantStatus(t, "freeze version 1", member.postForm(t, path+"/versions", url.Values{"message": {"Texte relu"}}), http.StatusSeeOther)
	if err := ts.db.OpenConsultation(ctx, workspace.SystemActor("test"), &workspace.Consultation{ProcedureID: proc.ID, Version: 1, ClosesAt: ts.clock.Now().Add(7 * 24 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	stakeholder := ts.sessionClient(t, demo.StakeholderEmail)
	link := `href="` + path + `/diff?from=1&amp;to=draft"`
	if page := stakeholder.get(t, path); strings.Contains(page.Body, `class="consultation-changed"`) {
		t.Errorf("the panel says the draft changed while it reads as version 1")
	}
	editDraft(t, ts, proc, demo.MemberEmail, "trente jours", "quinze jours ouvrables")
	page := stakeholder.get(t, path+"?lang=ar")
	for _, want := range []string{`class="consultation-changed"`, "تغيّر المشروع منذ النسخة 1", link} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("once the draft changed, the stakeholder's panel lacks %q", want)
		}
	}
}
