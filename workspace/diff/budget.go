package diff

// Budget is the number of steps one comparison (Words, Changes) may spend
// finding differences before it settles for a coarser answer: the
// passages that differ are then shown, or replaced, whole. A step is one
// diagonal visited or one pair of tokens compared by the bounded search
// below; finding the differences itself (diffmatchpatch's bisection)
// costs a small multiple of the steps that search took. A few million
// steps are a few tens of milliseconds: a procedure rewritten here and
// there is compared word by word, two unrelated books are not.
const Budget = 4_000_000

// budget counts the steps a comparison may still spend. It never goes
// below zero: a spend that would is refused and empties it.
type budget struct {
	left int
}

// spend takes n steps, and reports false (leaving nothing) when fewer
// were left.
func (b *budget) spend(n int) bool {
	if n > b.left {
		b.left = 0
		return false
	}
	b.left -= n
	return true
}

// fits reports whether the differences of a and b can be found within
// the budget, spending what the search takes. The search is Myers'
// greedy one (An O(ND) Difference Algorithm, 1986), forward only and
// without keeping the path: it takes O((N+M)·D) steps for texts of N and
// M tokens that differ by D insertions and deletions, as the bisection
// that then finds the path does, so the budget bounds D and with it the
// work of the whole comparison.
func fits(a, b []rune, bud *budget) bool {
	p := 0
	for p < len(a) && p < len(b) && a[p] == b[p] {
		p++
	}
	a, b = a[p:], b[p:]
	s := 0
	for s < len(a) && s < len(b) && a[len(a)-1-s] == b[len(b)-1-s] {
		s++
	}
	a, b = a[:len(a)-s], b[:len(b)-s]
	n, m := len(a), len(b)
	// Trimming and the furthest-reaching table cost about one step per
	// token.
	if !bud.spend(p + s + n + m) {
		return false
	}
	if n == 0 || m == 0 {
		return true
	}
	off := n + m + 1
	v := make([]int, 2*off+1)
	v[off+1] = 0
	// Diagonals that have left the grid (past the end of a, or of b)
	// are not walked again: kstart and kend trim them, as the bisection
	// does.
	kstart, kend := 0, 0
	for d := 0; d <= n+m; d++ {
		for k := -d + kstart; k <= d-kend; k += 2 {
			if !bud.spend(1) {
				return false
			}
			var x int
			if k == -d || (k != d && v[off+k-1] < v[off+k+1]) {
				x = v[off+k+1]
			} else {
				x = v[off+k-1] + 1
			}
			y := x - k
			from := x
			for x < n && y < m && a[x] == b[y] {
				x++
				y++
			}
			if !bud.spend(x - from) {
				return false
			}
			v[off+k] = x
			switch {
			case x > n:
				kend += 2
			case y > m:
				kstart += 2
			case x == n && y == m:
				return true
			}
		}
	}
	return true
}

// share runs f with at most one part-th of what is left, then takes from
// b what f spent, and returns what f returns: a first attempt that may
// fail so leaves the rest of the budget to a coarser one.
func (b *budget) share(part int, f func(*budget) bool) bool {
	sub := &budget{left: b.left / part}
	before := sub.left
	ok := f(sub)
	b.left -= before - sub.left
	return ok
}
