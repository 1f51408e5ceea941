package demo_test

import (
	"context"
	"testing"

	"tawla/demo"
	"tawla/internal/testsupport"
	"tawla/workspace/diff"
)

// TestLoadVersions checks that each demo procedure has v1 and v2 with
// messages, that v1 → v2 changes words, and that the draft has moved on
// since v2, so that every comparison the pages offer shows something.
func TestLoadVersions(t *testing.T) {
	ctx := context.Background()
	db, _ := testsupport.OpenStore(t)
	procs, err := db.FindProcedures(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range procs {
		// The register's procedures have their own versions
		// (TestLoadPublications).
		if demo.IsRegisterProcedure(p.Title) {
			continue
		}
		t.Run(p.Language, func(t *testing.T) {
			vs, err := db.FindVersions(ctx, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(vs) != 2 || vs[0].Number != 2 || vs[1].Number != 1 {
				t.Fatalf("%d versions, want v2 and v1", len(vs))
			}
			for _, v := range vs {
				if v.Message == "" {
					t.Errorf("%s has no message", v.Label())
				}
			}
			s := diff.Summarize(diff.Words(vs[1].Content, vs[0].Content))
			if s.WordsAdded == 0 || len(s.Sections) < 2 {
				t.Errorf("v1 → v2: %+v, want words added in several sections", s)
			}
			_, snap, updates, err := db.LoadDocument(ctx, p.DocumentID)
			if err != nil {
				t.Fatal(err)
			}
			if vs[0].DocumentVersion >= snap.Version+len(updates) {
				t.Errorf("the draft has not changed since v2")
			}
		})
	}
}
