package demo_test

import (
	"context"
	"strings"
	"testing"

	"tawla/demo"
	"tawla/internal/testsupport"
	"tawla/workspace"
	"tawla/workspace/sqlite"
)

// mustOpenDB opens a new, empty database file in a temporary directory
// and closes it when the test ends.
func mustOpenDB(tb testing.TB) *sqlite.DB {
	tb.Helper()
	db, _ := testsupport.OpenEmptyStore(tb)
	return db
}

func TestLoad(t *testing.T) {
	ctx := context.Background()
	db := mustOpenDB(t)
	if err := demo.Load(ctx, db); err != nil {
		t.Fatalf("Load: %v", err)
	}

	orgs, err := db.FindOrganisations(ctx, workspace.OrganisationFilter{})
	if err != nil {
		t.Fatal(err)
	}
	accs, err := db.FindAccounts(ctx, workspace.AccountFilter{})
	if err != nil {
		t.Fatal(err)
	}

	t.Run("Organisations", func(t *testing.T) {
		if got, want := len(orgs), 12; got < want {
			t.Errorf("organisations = %d, want at least %d", got, want)
		}
		colleges := map[workspace.College]int{}
		for _, o := range orgs {
			colleges[o.College]++
			if o.NameFR == "" || o.NameAR == "" {
				t.Errorf("organisation %d (%q, %q) needs a name in French and in Arabic", o.ID, o.NameFR, o.NameAR)
			}
			if o.Delegation == "" {
				t.Errorf("organisation %q has no delegation", o.NameFR)
			}
			if !strings.Contains(o.Contact, "donnée de démonstration") {
				t.Errorf("contact of %q = %q, want it to say it is demo data", o.NameFR, o.Contact)
			}
			if !o.Active {
				t.Errorf("organisation %q is not active", o.NameFR)
			}
		}
		for _, c := range workspace.Colleges {
			if colleges[c] == 0 {
				t.Errorf("no organisation in college %q", c)
			}
		}
	})

	t.Run("Accounts", func(t *testing.T) {
		if got, want := len(accs), 20; got < want {
			t.Errorf("accounts = %d, want at least %d", got, want)
		}
		roles := map[workspace.Role]int{}
		langs := map[string]int{}
		voters := map[int64]int{}
		hashes := map[string]bool{}
		for _, a := range accs {
			roles[a.Role]++
			langs[a.Language]++
			if a.CanVote {
				voters[a.OrganisationID]++
			}
			hashes[a.PasswordHash] = true
		}
		if got, want := roles[workspace.RoleAdmin], 1; got != want {
			t.Errorf("admins = %d, want %d", got, want)
		}
		if got, want := roles[workspace.RoleSecretariat], 2; got != want {
			t.Errorf("secretariat = %d, want %d", got, want)
		}
		if got := roles[workspace.RoleMember]; got < 10 {
			t.Errorf("members = %d, want at least 10", got)
		}
		if got := roles[workspace.RoleStakeholder]; got < 3 {
			t.Errorf("stakeholders = %d, want at least 3", got)
		}
		for _, lang := range workspace.Languages {
			if langs[lang] == 0 {
				t.Errorf("no account speaks %q", lang)
			}
		}
		if len(voters) < 10 {
			t.Errorf("organisations with a vote = %d, want at least 10", len(voters))
		}
		for orgID, n := range voters {
			if n != 1 {
				t.Errorf("organisation %d has %d voting members, want 1", orgID, n)
			}
		}
		// One hash for every account: the password is hashed once.
		if len(hashes) != 1 || hashes[""] {
			t.Errorf("password hashes: %d distinct, want one non-empty hash", len(hashes))
		}
	})

	t.Run("Logins", func(t *testing.T) {
		for _, tt := range []struct {
			email   string
			role    workspace.Role
			canVote bool
		}{
			{demo.AdminEmail, workspace.RoleAdmin, false},
			{demo.SecretariatEmail, workspace.RoleSecretariat, false},
			{demo.MemberEmail, workspace.RoleMember, true},
			{demo.StakeholderEmail, workspace.RoleStakeholder, false},
		} {
			t.Run(string(tt.role), func(t *testing.T) {
				acc, err := db.FindAccountByEmail(ctx, tt.email)
				if err != nil {
					t.Fatalf("FindAccountByEmail(%q): %v", tt.email, err)
				}
				if got, want := acc.Role, tt.role; got != want {
					t.Errorf("role = %q, want %q", got, want)
				}
				if got, want := acc.CanVote, tt.canVote; got != want {
					t.Errorf("can vote = %v, want %v", got, want)
				}
				if !acc.Active {
					t.Error("account is not active")
				}
				if !workspace.CheckPassword(acc.PasswordHash, demo.Password) {
					t.Error("the demo password does not match")
				}
				if workspace.CheckPassword(acc.PasswordHash, demo.Password+"x") {
					t.Error("a wrong password matches")
				}
			})
		}
	})

	t.Run("Audit", func(t *testing.T) {
		// Every entry, a page at a time.
		var entries []*workspace.AuditEntry
		total := 0
		for {
			page, n, err := db.FindAuditEntries(ctx, workspace.AuditFilter{Limit: 200, Offset: len(entries)})
			if err != nil {
				t.Fatal(err)
			}
			entries, total = append(entries, page...), n
			if len(page) == 0 || len(entries) >= n {
				break
			}
		}
		procs, err := db.FindProcedures(ctx)
		if err != nil {
			t.Fatal(err)
		}
		versions := 0
		for _, p := range procs {
			vs, err := db.FindVersions(ctx, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			versions += len(vs)
		}
		// Comments and the consultation are counted by TestLoadComments,
		// meetings and what they hold by TestLoadMeetings, issues by
		// TestLoadIssues, votes (and the version they adopt) by
		// TestLoadPolls, the register by TestLoadPublications.
		discussed := 0
		for _, e := range entries {
			if e.Action == workspace.AuditVersionAdopt {
				discussed++
				continue
			}
			switch e.EntityType {
			case "comment", "consultation", "meeting", "agenda_item", "decision", "action", "issue", "poll", "register_entry":
				discussed++
			}
		}
		if got, want := total-discussed, len(orgs)+len(accs)+len(procs)+versions; got != want {
			t.Errorf("audit entries = %d, want %d", got, want)
		}
		for _, e := range entries {
			// A comment on an issue has no author but its actor, and only
			// an account follows an issue: the demo comments and follows
			// in the people's names (TestLoadIssues).
			if (e.Action == workspace.AuditIssueComment || e.Action == workspace.AuditIssueFollow) && e.ActorID != nil {
				continue
			}
			// A look at an issue's personal details is the person's who
			// looked (TestLoadIssuePrivateNeedToKnow).
			if e.Action == workspace.AuditIssuePrivateView && e.ActorID != nil {
				continue
			}
			// Only a member votes, in their own name (TestLoadPolls).
			if e.Action == workspace.AuditVoteCast && e.ActorID != nil {
				continue
			}
			if e.ActorName != demo.ActorName || e.ActorID != nil {
				t.Errorf("audit entry %d by %q (id %v), want the system actor %q", e.ID, e.ActorName, e.ActorID, demo.ActorName)
			}
		}
	})

	t.Run("ErrSecondLoad", func(t *testing.T) {
		err := demo.Load(ctx, db)
		if got, want := workspace.ErrorCode(err), workspace.ECONFLICT; got != want {
			t.Fatalf("second Load: code %q (%v), want %q", got, err, want)
		}
		orgsAfter, err := db.FindOrganisations(ctx, workspace.OrganisationFilter{})
		if err != nil {
			t.Fatal(err)
		}
		accsAfter, err := db.FindAccounts(ctx, workspace.AccountFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := len(orgsAfter), len(orgs); got != want {
			t.Errorf("organisations after a second Load = %d, want %d", got, want)
		}
		if got, want := len(accsAfter), len(accs); got != want {
			t.Errorf("accounts after a second Load = %d, want %d", got, want)
		}
	})
}

// TestLoadRefusesRealData checks that a database with a single organisation
// of its own is left alone.
func TestLoadRefusesRealData(t *testing.T) {
	ctx := context.Background()
	db := mustOpenDB(t)
	org := &workspace.Organisation{NameFR: "Commune de Chorbane", College: workspace.CollegeLocal}
	if err := db.CreateOrganisation(ctx, workspace.SystemActor("test"), org); err != nil {
		t.Fatal(err)
	}
	if got, want := workspace.ErrorCode(demo.Load(ctx, db)), workspace.ECONFLICT; got != want {
		t.Fatalf("Load: code %q, want %q", got, want)
	}
	orgs, err := db.FindOrganisations(ctx, workspace.OrganisationFilter{})
	if err != nil {
		t.Fatal(err)
	}
	accs, err := db.FindAccounts(ctx, workspace.AccountFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(orgs) != 1 || len(accs) != 0 {
		t.Errorf("after a refused Load: %d organisations and %d accounts, want 1 and 0", len(orgs), len(accs))
	}
}
