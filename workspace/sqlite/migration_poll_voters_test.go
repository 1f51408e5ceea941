package sqlite_test

import (
	"context"
	"database/sql"
	"slices"
	"testing"
	"time"

	"tawla/workspace"
	"tawla/workspace/sqlite"
)

// TestMigrationPollVoters: a database at 0013 whose polls hold ballots,
// named and secret, per person and per organisation, with the vote.cast
// audit entries of the accounts that cast them, migrates to the latest
// schema with poll_voters holding exactly one row per account and poll it
// voted in — a changed ballot counted once, an account that voted in two
// polls in both — and nothing for the entries that name no account, no
// existing poll, or another action or entity. An account that voted for
// its organisation and then moved to another is still known to have
// voted.
func TestMigrationPollVoters(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	path := mustDatabaseAt(t, "0013_translation_source.sql", func(tx *sql.Tx) error {
		poll := `INSERT INTO polls (id, question, kind, mode, status, min_choices, max_choices, unit, majority, college_rule, allow_change,
			meeting_id, agenda_item_id, opened_at, created_by, created_at, updated_at)
			VALUES (?, ?, 'yes_no', ?, 'open', 1, 1, ?, 'simple', 'none', ?, 1, 1, ?, 1, ?, ?)`
		audit := `INSERT INTO audit_log (at, actor_id, actor_name, action, entity_type, entity_id) VALUES (?, ?, ?, ?, ?, ?)`
		for _, q := range []struct {
			query string
			args  []any
		}{
			{`INSERT INTO organisations (id, name_fr, name_ar, college, created_at, updated_at) VALUES
				(1, 'Gouvernorat de Mahdia', 'ولاية المهدية', 'state', ?, ?),
				(2, 'Association Retour', 'جمعية العودة', 'civil_society', ?, ?),
				(3, 'Commune de Mahdia', 'بلدية المهدية', 'local_authority', ?, ?)`, []any{at, at, at, at, at, at}},
			{`INSERT INTO accounts (id, name, email, organisation_id, role, can_vote, created_at, updated_at) VALUES
				(1, 'Sonia', 'sonia@example.tn', 1, 'secretariat', FALSE, ?, ?),
				(2, 'Karim', 'karim@example.tn', 1, 'member', TRUE, ?, ?),
				(3, 'أمل', 'amel@example.tn', 2, 'member', TRUE, ?, ?),
				(4, 'Hédi', 'hedi@example.tn', 3, 'member', TRUE, ?, ?),
				(5, 'Nour', 'nour@example.tn', 2, 'member', TRUE, ?, ?)`, []any{at, at, at, at, at, at, at, at, at, at}},
			{`INSERT INTO meetings (id, title, kind, language, starts_at, ends_at, status, quorum_rule, started_at, created_by, created_at, updated_at)
				VALUES (1, 'Plénière de mars', 'plenary', 'fr', ?, ?, 'live', 'none', ?, 1, ?, ?)`, []any{at, at.Add(2 * time.Hour), at, at, at}},
			{`INSERT INTO agenda_items (id, meeting_id, position, kind, title, created_at, updated_at) VALUES (1, 1, 1, 'ordinary', 'Guichet unique', ?, ?)`, []any{at, at}},
			// Poll 1: named, per person, ballots may change.
			{poll, []any{1, "Adopter la fiche ?", "named", "person", true, at, at, at}},
			// Poll 2: secret, per organisation.
			{poll, []any{2, "Ouvrir un guichet ?", "secret", "organisation", false, at, at, at}},
			// Poll 3: named, per person, nobody voted.
			{poll, []any{3, "Reporter ?", "named", "person", false, at, at, at}},
			{`INSERT INTO poll_options (poll_id, position, key) VALUES (1, 1, 'yes'), (1, 2, 'no'), (1, 3, 'abstain'),
				(2, 1, 'yes'), (2, 2, 'no'), (2, 3, 'abstain'), (3, 1, 'yes'), (3, 2, 'no'), (3, 3, 'abstain')`, nil},
			{`INSERT INTO poll_participants (poll_id, voter_key) VALUES (1, 'a:2'), (1, 'a:3'), (2, 'o:1'), (2, 'o:2')`, nil},
			{`INSERT INTO named_ballots (poll_id, voter_key, account_id, organisation_id, college, choices, cast_at, updated_at) VALUES
				(1, 'a:2', 2, 1, 'state', '[1]', ?, ?), (1, 'a:3', 3, 2, 'civil_society', '[2]', ?, ?)`, []any{at, at, at, at}},
			{`INSERT INTO secret_ballots (id, poll_id, college, choices) VALUES (81723, 2, 'state', '[4]'), (50211, 2, 'civil_society', '[5]')`, nil},
			// The ballots' entries: Amel changed hers (two entries), and
			// voted for her organisation in poll 2; Hédi voted for the
			// Gouvernorat in poll 2, then moved to the Commune.
			{audit, []any{at, 2, "Karim", workspace.AuditVoteCast, "poll", 1}},
			{audit, []any{at, 3, "أمل", workspace.AuditVoteCast, "poll", 1}},
			{audit, []any{at.Add(time.Minute), 3, "أمل", workspace.AuditVoteCast, "poll", 1}},
			{audit, []any{at, 3, "أمل", workspace.AuditVoteCast, "poll", 2}},
			{audit, []any{at, 4, "Hédi", workspace.AuditVoteCast, "poll", 2}},
			// Entries the backfill leaves: no account, a poll that does not
			// exist, another action, another entity.
			{audit, []any{at, nil, "système", workspace.AuditVoteCast, "poll", 3}},
			{audit, []any{at, 5, "Nour", workspace.AuditVoteCast, "poll", 99}},
			{audit, []any{at, 1, "Sonia", "poll.open", "poll", 3}},
			{audit, []any{at, 5, "Nour", workspace.AuditVoteCast, "meeting", 1}},
		} {
			if _, err := tx.Exec(q.query, q.args...); err != nil {
				return err
			}
		}
		return nil
	})

	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatalf("Open migrates to the latest: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	applied, err := db.AppliedMigrations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(applied, "0014_poll_voters.sql") {
		t.Fatalf("applied = %v, want 0014", applied)
	}

	conn, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	rows, err := conn.Query(`SELECT poll_id, account_id, submission FROM poll_voters ORDER BY poll_id, account_id`)
	if err != nil {
		t.Fatal(err)
	}
	type voter struct {
		poll, account int64
		submission    string
	}
	var got []voter
	for rows.Next() {
		var v voter
		if err := rows.Scan(&v.poll, &v.account, &v.submission); err != nil {
			t.Fatal(err)
		}
		got = append(got, v)
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	if want := []voter{{1, 2, ""}, {1, 3, ""}, {2, 3, ""}, {2, 4, ""}}; !slices.Equal(got, want) {
		t.Errorf("poll_voters after the migration = %v, want %v", got, want)
	}

	// Hédi, now of the Commune, whose organisation has not voted in poll
	// 2, is known to have voted there; Nour, who never voted, is not.
	hedi := workspace.ActorFor(&workspace.Account{ID: 4, OrganisationID: 3, Role: workspace.RoleMember, CanVote: true, Active: true})
	if voted, err := db.HasVoted(ctx, hedi, 2); err != nil || !voted {
		t.Errorf("HasVoted(Hédi, poll 2) = %v, %v, want true", voted, err)
	}
	nour := workspace.ActorFor(&workspace.Account{ID: 5, OrganisationID: 2, Role: workspace.RoleMember, CanVote: true, Active: true})
	if voted, err := db.HasVoted(ctx, nour, 1); err != nil || voted {
		t.Errorf("HasVoted(Nour, poll 1) = %v, %v, want false", voted, err)
	}
}
