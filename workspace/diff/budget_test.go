package diff

import (
	"math/rand/v2"
	"strings"
	"testing"

	"tawla/internal/tracetest"
	"tawla/workspace/change"
)

// sideOf rebuilds one text from pieces: the old one (equal and deleted)
// or the new one (equal and inserted).
func sideOf(pieces []Piece, newer bool) string {
	var b strings.Builder
	for _, p := range pieces {
		if p.Op == Equal || (p.Op == Insert) == newer {
			b.WriteString(p.Text)
		}
	}
	return b.String()
}

// checkPieces fails t unless pieces turn a into b, with no empty piece
// and no two neighbours doing the same thing.
func checkPieces(t *testing.T, pieces []Piece, a, b string) {
	t.Helper()
	if got := sideOf(pieces, false); got != a {
		t.Fatalf("old side differs from the old text (%d bytes, want %d)", len(got), len(a))
	}
	if got := sideOf(pieces, true); got != b {
		t.Fatalf("new side differs from the new text (%d bytes, want %d)", len(got), len(b))
	}
	for i, p := range pieces {
		if p.Text == "" || (i > 0 && pieces[i-1].Op == p.Op) {
			t.Fatalf("piece %d: empty or same operation as the one before", i)
		}
	}
}

// checkSpecs fails t unless the change specs turn a into b.
func checkSpecs(t *testing.T, specs []change.Spec, a, b string) {
	t.Helper()
	set, err := change.Of(utf16Len(a), specs...)
	if err != nil {
		t.Fatal(err)
	}
	text := change.NewText(a)
	if err := set.Apply(&text); err != nil {
		t.Fatal(err)
	}
	if text.String() != b {
		t.Fatalf("the change set does not give the new text")
	}
}

// unrelatedText writes lines of about perLine words drawn from letters
// (one line break between them, no blank line: the whole text is one run
// of changed lines against any other), about size bytes in all.
func unrelatedText(seed uint64, letters string, size, perLine int) string {
	rng := rand.New(rand.NewPCG(seed, 7))
	var b strings.Builder
	for b.Len() < size {
		for w := range perLine/2 + rng.IntN(perLine) {
			if w > 0 {
				b.WriteByte(' ')
			}
			for range 2 + rng.IntN(7) {
				b.WriteByte(letters[rng.IntN(len(letters))])
			}
		}
		b.WriteString(".\n")
	}
	return b.String()
}

// hugePair is two texts of about 200 KB that share their first paragraph
// but for one word, and nothing after it; their lines hold about perLine
// words.
func hugePair(perLine int) (a, b string) {
	a = "# Titre\n\nLe délai est de dix jours.\n\n" + unrelatedText(1, "abcdefghijklm", 200_000, perLine)
	b = "# Titre\n\nLe délai est de quinze jours.\n\n" + unrelatedText(2, "nopqrstuvwxyz", 200_000, perLine)
	return a, b
}

// TestDiffBudgetFallsBackToParagraphs compares two huge texts that have
// nothing in common after their first paragraph (a one-word change): the
// diff spends its whole budget and no more, says it shows the coarse
// view, and still turns one text into the other. With long lines (few
// of them), the lines are compared and the small change is shown word by
// word, the unrelated lines whole; with short lines (thousands), not even
// the lines fit and everything after the first line is shown whole.
func TestDiffBudgetFallsBackToParagraphs(t *testing.T) {
	for _, tt := range []struct {
		name    string
		perLine int
		small   bool // whether the one-word change is shown word by word
	}{
		{"LongLines", 400, true},
		{"ShortLines", 12, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a, b := hugePair(tt.perLine)
			bud := &budget{left: Budget}
			pieces, coarse := words(a, b, bud)
			if !coarse {
				t.Fatal("coarse = false, want the coarse view")
			}
			if bud.left != 0 {
				t.Errorf("%d steps left, want the budget spent (and not more)", bud.left)
			}
			checkPieces(t, pieces, a, b)
			rest := func(s, after string) string { return s[strings.Index(s, after)+len(after):] }
			want := []Piece{
				{Equal, "# Titre\n\n"},
				{Delete, rest(a, "# Titre\n\n")},
				{Insert, rest(b, "# Titre\n\n")},
			}
			if tt.small {
				want = []Piece{
					{Equal, "# Titre\n\nLe délai est de "},
					{Delete, "dix"},
					{Insert, "quinze"},
					{Equal, " jours.\n\n"},
					{Delete, rest(a, "jours.\n\n")},
					{Insert, rest(b, "jours.\n\n")},
				}
			}
			if len(pieces) != len(want) {
				t.Fatalf("%d pieces, want %d", len(pieces), len(want))
			}
			for i := range want {
				if pieces[i] != want[i] {
					t.Errorf("piece %d = %v %.40q, want %v %.40q", i, pieces[i].Op, pieces[i].Text, want[i].Op, want[i].Text)
				}
			}
			// With no budget at all, nothing is compared: the lines both
			// texts begin with stay equal, the rest is replaced.
			pieces, coarse = WordsWithin(a, b, 0)
			if !coarse {
				t.Error("no budget: coarse = false")
			}
			checkPieces(t, pieces, a, b)
			if pieces[0] != (Piece{Equal, "# Titre\n\n"}) {
				t.Errorf("no budget: first piece %v %q, want the equal first lines", pieces[0].Op, pieces[0].Text)
			}
			// Texts that differ by a little are compared word by word.
			if _, coarse := WordsWithin(a, strings.Replace(a, "dix", "onze", 1), Budget); coarse {
				t.Error("a one-word change: coarse = true")
			}
		})
	}
}

// TestChangesBudgetReplacesWholeLines is the same for restoring a
// version: the change set between the huge texts is found within the
// budget, replaces the unrelated lines whole, keeps the first paragraph's
// small change small when the lines could be compared, and gives the new
// text.
func TestChangesBudgetReplacesWholeLines(t *testing.T) {
	for _, perLine := range []int{400, 12} {
		a, b := hugePair(perLine)
		bud := &budget{left: Budget}
		specs, coarse := changes(a, b, bud)
		if !coarse || bud.left != 0 {
			t.Errorf("%d words a line: coarse = %v with %d steps left, want the coarse change with the budget spent", perLine, coarse, bud.left)
		}
		checkSpecs(t, specs, a, b)
		if perLine == 400 && (len(specs) != 2 || specs[0].To-specs[0].From > 3) {
			t.Errorf("%d words a line: %d specs, the first %d–%d, want the one-word change then the whole rest", perLine, len(specs), specs[0].From, specs[0].To)
		}
		set, err := Changes(a, b)
		if err != nil {
			t.Fatal(err)
		}
		if set.Len() != utf16Len(a) || set.NewLen() != utf16Len(b) {
			t.Errorf("Changes: lengths %d → %d", set.Len(), set.NewLen())
		}
	}
}

// randomPair returns two random texts made of words (French, Arabic with
// vowel marks, emoji), spaces, punctuation, line breaks and blank lines:
// the second one an edit of the first, or a text of its own.
func randomPair(rng *rand.Rand) (a, b string) {
	vocab := []string{"le", "délai", "de", "dix", "jours", "العائد", "المكتب", "مُسْتَنَد", "👋", " ", " ", " ", "  ", ",", ".", "\n", "\n\n", "# Titre\n", "- item\n"}
	gen := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = vocab[rng.IntN(len(vocab))]
		}
		return out
	}
	ta := gen(rng.IntN(200))
	var tb []string
	if rng.IntN(4) == 0 {
		tb = gen(rng.IntN(200))
	} else {
		tb = append(tb, ta...)
		for range rng.IntN(20) {
			i := rng.IntN(len(tb) + 1)
			switch rng.IntN(3) {
			case 0:
				tb = append(tb[:i], append(gen(1+rng.IntN(10)), tb[i:]...)...)
			case 1:
				tb = append(tb[:i], tb[min(len(tb), i+1+rng.IntN(10)):]...)
			default:
				if i < len(tb) {
					tb[i] = vocab[rng.IntN(len(vocab))]
				}
			}
		}
	}
	return strings.Join(ta, ""), strings.Join(tb, "")
}

// TestBudgetRandomCorrect checks, on random pairs of texts and budgets
// from nothing to the full one, that the word diff and the change set
// always turn one text into the other, however short the budget.
func TestBudgetRandomCorrect(t *testing.T) {
	rng := rand.New(rand.NewPCG(42, 42))
	for i := range 3000 {
		a, b := randomPair(rng)
		steps := []int{0, 1, 30, 300, 3000, Budget}[i%6]
		pieces, _ := WordsWithin(a, b, steps)
		checkPieces(t, pieces, a, b)
		specs, _ := changes(a, b, &budget{left: steps})
		checkSpecs(t, specs, a, b)
	}
}

// TestBudgetTraceCorrect does the same on texts of a real editing
// history (the automerge-paper trace, see ../shared/traces): the paper at
// several points of its writing against later points, with the full
// budget and with a small one.
func TestBudgetTraceCorrect(t *testing.T) {
	tr := tracetest.Load(t, "automerge-paper")
	n := len(tr.Txns)
	texts := tr.TextsAt(n/4, n/2, n/2+500, n)
	for i := range texts {
		for j := i + 1; j < len(texts); j++ {
			for _, steps := range []int{20_000, Budget} {
				a, b := texts[i], texts[j]
				pieces, _ := WordsWithin(a, b, steps)
				checkPieces(t, pieces, a, b)
				pieces, _ = WordsWithin(b, a, steps)
				checkPieces(t, pieces, b, a)
				specs, _ := changes(a, b, &budget{left: steps})
				checkSpecs(t, specs, a, b)
			}
		}
	}
}
