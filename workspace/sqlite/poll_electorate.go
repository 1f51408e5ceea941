package sqlite

import (
	"context"
	"fmt"

	"tawla/workspace"
)

// electorateWhere keeps, of accounts (a), those with a vote: active, of an
// active organisation, with a voting right, and a role that votes
// (electorateArgs). It is CanCastVote's rule, in SQL.
const electorateWhere = `a.active = TRUE AND a.can_vote = TRUE AND a.role IN (?, ?, ?)
	AND EXISTS (SELECT 1 FROM organisations eo WHERE eo.id = a.organisation_id AND eo.active = TRUE)`

// electorateArgs are electorateWhere's arguments.
func electorateArgs() []any {
	return []any{workspace.RoleAdmin, workspace.RoleSecretariat, workspace.RoleMember}
}

// CollegeElectorate is who could vote in one college today: the accounts
// with a vote, and their organisations.
type CollegeElectorate struct {
	College       workspace.College
	People        int
	Organisations int
}

// FindElectorateByCollege counts who could vote today in each college, in
// the order of workspace.Colleges, every college listed (with zeros when
// it has nobody with a vote). The poll form shows it: in a secret poll, a
// college of fewer than workspace.SecretCollegeMinBallots voters gets no
// figures of its own, and the college rule's outcome may still tell how
// it voted.
func (db *DB) FindElectorateByCollege(ctx context.Context) ([]CollegeElectorate, error) {
	fields := func(c *CollegeElectorate) []any { return []any{&c.College, &c.People, &c.Organisations} }
	rows, err := queryRows(ctx, db.read, fields, `
		SELECT o.college, COUNT(*), COUNT(DISTINCT a.organisation_id)
		FROM accounts a JOIN organisations o ON o.id = a.organisation_id
		WHERE `+electorateWhere+`
		GROUP BY o.college`, electorateArgs()...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: find electorate by college: %w", err)
	}
	out := make([]CollegeElectorate, len(workspace.Colleges))
	for i, c := range workspace.Colleges {
		out[i].College = c
		for _, r := range rows {
			if r.College == c {
				out[i] = *r
			}
		}
	}
	return out, nil
}
