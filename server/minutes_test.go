package server

import (
	"strings"
	"testing"
	"time"

	"tawla/workspace"
)

// minutesRecord is a meeting as it starts, for the pre-fill tests: three
// voting invitees (one present, one excused, one not yet recorded), a
// person who presents, and an agenda whose first items the table added.
func minutesRecord(lang string) *workspace.MeetingRecord {
	org := &workspace.Organisation{NameFR: "Association Amal", NameAR: "جمعية أمل"}
	person := func(id int64, name string, a workspace.Attendance) *workspace.MeetingInvitee {
		return &workspace.MeetingInvitee{AccountID: id, Attendance: a,
			Account: &workspace.Account{ID: id, Name: name, Active: true, CanVote: true, Organisation: org}}
	}
	presenter := &workspace.Account{ID: 1, Name: "Amira Ben Salah", Organisation: org}
	start := time.Date(2026, 12, 10, 8, 0, 0, 0, time.UTC) // 09:00 in Mahdia
	return &workspace.MeetingRecord{
		Meeting: &workspace.Meeting{ID: 7, Title: "Plénière\nde décembre", Kind: workspace.MeetingPlenary, Language: lang,
			StartsAt: start, EndsAt: start.Add(3 * time.Hour), Place: "Mahdia", QuorumRule: workspace.QuorumHalfPlusOne},
		Invitees: []*workspace.MeetingInvitee{
			person(1, "Amira Ben Salah", workspace.AttendancePresent),
			person(2, "Karim Jaziri", workspace.AttendanceExcused),
			person(3, "Salma Trabelsi", workspace.AttendanceInvited),
		},
		Items: []*workspace.AgendaItem{
			{ID: 11, Position: 1, Kind: workspace.ItemMinutesApproval, SourceMeetingTitle: "Plénière de novembre"},
			{ID: 12, Position: 2, Kind: workspace.ItemMattersArising, SourceMeetingTitle: "Plénière de novembre"},
			{ID: 13, Position: 3, Kind: workspace.ItemOrdinary, Title: "Circuit de référencement", PresenterAccount: presenter},
		},
	}
}

func TestMinutesPrefill(t *testing.T) {
	ts := newTestServer(t)
	for _, tt := range []struct {
		lang string
		want string
	}{
		{"fr", "# Procès-verbal\u00a0: Plénière de décembre\n\n" +
			"- **Date\u00a0:** 2026-12-10, 09:00–12:00\n" +
			"- **Lieu\u00a0:** Mahdia\n" +
			"- **Présents\u00a0:** Amira Ben Salah (Association Amal)\n" +
			"- **Excusés\u00a0:** Karim Jaziri (Association Amal)\n" +
			"- **Absents\u00a0:** personne\n" +
			"- **Présence non relevée\u00a0:** Salma Trabelsi (Association Amal)\n" +
			"- **Quorum\u00a0:** membres votants présents\u00a0: 1 sur 3\u00a0; requis\u00a0: 2. Quorum non atteint.\n" +
			"\n## 1. Approbation du procès-verbal de «\u00a0Plénière de novembre\u00a0»\n\n" +
			"\n## 2. Suites de «\u00a0Plénière de novembre\u00a0»\n\n" +
			"\n## 3. Circuit de référencement\n\n" +
			"Présenté par Amira Ben Salah (Association Amal).\n\n"},
		{"ar", "# محضر: Plénière de décembre\n\n" +
			"- **التاريخ:** 2026-12-10, 09:00–12:00\n" +
			"- **المكان:** Mahdia\n" +
			"- **الحاضرون:** Amira Ben Salah (جمعية أمل)\n" +
			"- **المعتذرون:** Karim Jaziri (جمعية أمل)\n" +
			"- **الغائبون:** لا أحد\n" +
			"- **حضور غير مسجّل:** Salma Trabelsi (جمعية أمل)\n" +
			"- **النصاب:** الأعضاء المصوّتون الحاضرون: 1 من 3؛ المطلوب: 2. النصاب غير مكتمل.\n" +
			"\n## 1. المصادقة على محضر «Plénière de novembre»\n\n" +
			"\n## 2. متابعة «Plénière de novembre»\n\n" +
			"\n## 3. Circuit de référencement\n\n" +
			"يقدّمه Amira Ben Salah (جمعية أمل).\n\n"},
	} {
		t.Run(tt.lang, func(t *testing.T) {
			rec := minutesRecord(tt.lang)
			got := ts.srv.minutesPrefill(rec)
			if got != tt.want {
				t.Errorf("minutesPrefill =\n%q\nwant\n%q", got, tt.want)
			}
			// Every item's heading is the line minutesItemHeading makes,
			// and the items are the only level-two headings.
			for _, it := range rec.Items {
				if h := ts.srv.minutesItemHeading(tt.lang, it); !strings.Contains(got, "\n"+h+"\n") {
					t.Errorf("the minutes lack the heading %q", h)
				}
			}
			if n := strings.Count(got, "\n## "); n != len(rec.Items) {
				t.Errorf("%d level-two headings, want %d", n, len(rec.Items))
			}
		})
	}

	t.Run("OnlineNoQuorum", func(t *testing.T) {
		rec := minutesRecord("fr")
		rec.Meeting.Place, rec.Meeting.OnlineLink = "", "https://visio.example.tn/table"
		rec.Meeting.QuorumRule = workspace.QuorumNone
		rec.Meeting.EndsAt = rec.Meeting.StartsAt.Add(26 * time.Hour)
		rec.Items = nil
		got := ts.srv.minutesPrefill(rec)
		for _, want := range []string{"- **Date\u00a0:** 2026-12-10 09:00 – 2026-12-11 11:00\n", "- **En ligne\u00a0:** <https://visio.example.tn/table>\n",
			"- **Quorum\u00a0:** aucun quorum requis.\n"} {
			if !strings.Contains(got, want) {
				t.Errorf("the minutes lack %q:\n%s", want, got)
			}
		}
		if strings.Contains(got, "Lieu") || strings.Contains(got, "\n## ") {
			t.Errorf("the minutes name a place or an item that is not there:\n%s", got)
		}
	})
}
