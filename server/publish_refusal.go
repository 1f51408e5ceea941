package server

import (
	"context"

	"tawla/workspace"
)

// publishStanding is what the register says of publishing one version:
// the procedure's entry (nil before its first publication, and once its
// entry is withdrawn, Withdrawn then), its versions already published,
// and the reason the version cannot be published, if any. The store
// decides again in Publish's transaction; the version page and the
// publish form read this to offer the button or to say why not.
type publishStanding struct {
	Entry *workspace.RegisterEntry
	// Withdrawn is the procedure's withdrawn entry, when it has no other:
	// the version then starts a new entry, and the withdrawn one stays.
	Withdrawn *workspace.RegisterEntry
	Published map[int]*workspace.Publication
	Refusal   error
}

// publishStandingOf reads where v stands for publication: adopted, not
// yet published, newer than the versions published
// (workspace.CheckPublishable), and its procedure's entry open to a new
// edition (workspace.CheckEntryOpen). An error reading the store is
// returned as such.
func (s *Server) publishStandingOf(ctx context.Context, proc *workspace.Procedure, v *workspace.Version) (*publishStanding, error) {
	published, err := s.db.FindProcedurePublications(ctx, proc.ID)
	if err != nil {
		return nil, err
	}
	st := &publishStanding{Published: published}
	latest := 0
	for n := range published {
		latest = max(latest, n)
	}
	if st.Refusal = workspace.CheckPublishable(v, published[v.Number] != nil, latest); st.Refusal != nil {
		return st, nil
	}
	switch entry, err := s.db.FindProcedureEntry(ctx, s.today(), proc.ID); {
	case err == nil && entry.WithdrawnAt != nil:
		st.Withdrawn = entry
	case err == nil:
		st.Entry = entry
		st.Refusal = workspace.CheckEntryOpen(entry)
	case workspace.ErrorCode(err) != workspace.ENOTFOUND:
		return nil, err
	}
	return st, nil
}

// publishRefusalHint returns the catalogue key of what the secretariat can
// do about refusal, or "" when its message says enough: a withdrawn entry
// is closed for good (a new version goes into a new entry), and a
// replaced one's successor takes the new text.
func publishRefusalHint(refusal error) string {
	switch workspace.ErrorKey(refusal) {
	case "error.publication.entry_withdrawn":
		return "publish.withdrawn_hint"
	case "error.publication.entry_superseded":
		return "publish.superseded_hint"
	}
	return ""
}
