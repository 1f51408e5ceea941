package sqlite_test

import (
	"context"
	"testing"

	"tawla/workspace"
)

// wantKey fails the test unless err is a *workspace.Error with key.
func wantKey(t *testing.T, err error, key string) {
	t.Helper()
	if e, ok := err.(*workspace.Error); !ok || e.Key != key {
		t.Errorf("error %v, want key %s", err, key)
	}
}

// TestPublishRefusesVersionOlderThanPublished publishes version 2 of a
// procedure, then asks for version 1, adopted too: it would become the
// entry's newest edition with the older text, so it is refused and the
// register, its index and the audit log stay as they were.
func TestPublishRefusesVersionOlderThanPublished(t *testing.T) {
	rt := newRegisterTable(t)
	p := rt.adopted(t, "Orientation", "fr", "# Orientation\nancien texte\n", "# Orientation\nnouveau texte\n")
	pub := rt.publish(t, request(p, 2))
	rt.mustUnchanged(t, workspace.ECONFLICT, func() error {
		_, err := rt.db.Publish(context.Background(), rt.staff, request(p, 1))
		wantKey(t, err, "error.publication.older_version")
		return err
	})
	cur := rt.entry(t, pub.EntryID).CurrentIn("fr")
	if cur == nil || cur.VersionNumber != 2 || cur.Edition != 1 {
		t.Fatalf("current edition %+v, want version 2 as edition 1", cur)
	}
}

// TestPublishRefusesEditionIntoSupersededEntry supersedes an entry by
// another, then asks for a new edition of the first: the public page would
// say the procedure no longer applies above a text published that day, so
// it is refused; an Arabic translation cannot join it either.
func TestPublishRefusesEditionIntoSupersededEntry(t *testing.T) {
	ctx := context.Background()
	rt := newRegisterTable(t)
	a := rt.adopted(t, "Ancienne", "fr", "# Ancienne\nv1\n", "# Ancienne\nv2\n")
	b := rt.adopted(t, "Nouvelle", "fr", "# Nouvelle\nv1\n")
	ar := rt.adopted(t, "قديمة", "ar", "# قديمة\nنص\n")
	pa := rt.publish(t, request(a, 1))
	req := request(b, 1)
	req.Supersedes = pa.EntryID
	rt.publish(t, req)

	rt.mustUnchanged(t, workspace.ECONFLICT, func() error {
		_, err := rt.db.Publish(ctx, rt.staff, request(a, 2))
		wantKey(t, err, "error.publication.entry_superseded")
		return err
	})
	rt.mustUnchanged(t, workspace.ECONFLICT, func() error {
		tr := request(ar, 1)
		tr.TranslationOf = pa.EntryID
		_, err := rt.db.Publish(ctx, rt.staff, tr)
		wantKey(t, err, "error.publication.entry_superseded")
		return err
	})
}

// TestPublishRefusesEffectiveDateBeforePrevious asks for a second edition
// that would apply before the first: the editions of a language apply in
// their order, so it is refused on the effective date; the same day is
// taken.
func TestPublishRefusesEffectiveDateBeforePrevious(t *testing.T) {
	rt := newRegisterTable(t)
	p := rt.adopted(t, "Orientation", "fr", "# Orientation\nun\n", "# Orientation\ndeux\n", "# Orientation\ntrois\n")
	first := request(p, 1)
	first.EffectiveOn = "2027-03-01"
	rt.publish(t, first)
	rt.mustUnchanged(t, workspace.EINVALID, func() error {
		req := request(p, 2)
		req.EffectiveOn = "2027-02-28"
		_, err := rt.db.Publish(context.Background(), rt.staff, req)
		wantInvalidField(t, err, "effective_on")
		wantKey(t, err, "error.publication.effective_on_before_previous")
		return err
	})
	same := request(p, 2)
	same.EffectiveOn = "2027-03-01"
	rt.publish(t, same)
}
