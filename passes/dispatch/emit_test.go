package dispatch

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// runFunnel interprets funnel code (cmpq slot / je / jb / ja / jmp and
// labels) for a register value v, label k's address being addr(k); it
// returns the label reached (-1: the miss label or the end) and the
// compares executed.
func runFunnel(t *testing.T, code string, s Site, miss string, addr func(int) uint64, v uint64) (int, int) {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(code), "\n")
	at := map[string]int{}
	for i, l := range lines {
		if name, ok := strings.CutSuffix(strings.TrimSpace(l), ":"); ok {
			at[name] = i
		}
	}
	byName := map[string]int{}
	for k, l := range s.Labels {
		byName[l.Name] = k
	}
	var lt, eq, gt bool
	cmps := 0
	for pc := 0; pc < len(lines); pc++ {
		if cmps > 10*len(s.Labels)+10 {
			t.Fatalf("v=%d: no end", v)
		}
		f := strings.Fields(lines[pc])
		if len(f) < 2 {
			continue
		}
		op, arg := f[0], strings.TrimSuffix(f[1], ",")
		if op == "cmpq" {
			var set, k int
			if _, err := fmt.Sscanf(arg, ".Lopt_dlab_%d_%d(%%rip)", &set, &k); err != nil {
				t.Fatalf("bad compare %q", lines[pc])
			}
			slot := addr(k)
			lt, eq, gt = v < slot, v == slot, v > slot
			cmps++
			continue
		}
		taken := op == "jmp" || op == "je" && eq || op == "jb" && lt || op == "ja" && gt
		if !taken {
			continue
		}
		if k, ok := byName[arg]; ok {
			return k, cmps
		}
		if arg == miss {
			return -1, cmps
		}
		j, ok := at[arg]
		if !ok {
			t.Fatalf("branch to unknown %q", arg)
		}
		pc = j
	}
	return -1, cmps
}

// TestWeightedFunnel builds profiled funnels over random weights (zeros
// included) and runs them: every label's address reaches that label,
// every other value the miss; the hottest label takes one compare; the
// expected compares are no more than the balanced tree's and equal a
// brute-force optimum.
func TestWeightedFunnel(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{1, 2, 3, 4, 5, 8, 13, 40, 83} {
		for trial := 0; trial < 4; trial++ {
			s := Site{N: 7, Set: 7, Reg: 0}
			idx := make([]int, n)
			w := make([]uint64, n)
			hot := 0
			for k := range n {
				s.Labels = append(s.Labels, Label{Name: fmt.Sprintf(".LL%d", k), Stmt: k})
				idx[k] = k
				if r.IntN(3) > 0 {
					w[k] = uint64(r.IntN(1000)) * uint64(1+r.IntN(50))
				}
				if w[k] > w[hot] {
					hot = k
				}
			}
			s.Weights = w
			addr := func(k int) uint64 { return 1000 + 16*uint64(k) }
			e := &emitter{first: map[int]int{}}
			var b strings.Builder
			roots := optimalRoots(w, idx)
			e.weighted(&b, s, idx, roots, 0, n, ".Lmiss", true)
			var bal strings.Builder
			e2 := &emitter{first: map[int]int{}}
			e2.tree(&bal, s, idx, ".Lmiss", true)
			// The cost optimalRoots minimises: every weight plus the floor.
			var total float64
			for _, x := range w {
				total += float64(x)
			}
			floor := max(1, total/float64(1000*n))
			var got, gotBal float64
			for k := range n {
				for _, v := range []uint64{addr(k) - 1, addr(k) + 1} {
					if l, _ := runFunnel(t, b.String(), s, ".Lmiss", addr, v); l != -1 {
						t.Fatalf("n=%d: value %d reached label %d\n%s", n, v, l, b.String())
					}
				}
				l, c := runFunnel(t, b.String(), s, ".Lmiss", addr, addr(k))
				if l != k {
					t.Fatalf("n=%d: label %d's address reached %d\n%s", n, k, l, b.String())
				}
				_, cb := runFunnel(t, bal.String(), s, ".Lmiss", addr, addr(k))
				wk := float64(w[k]) + floor
				got += wk * float64(c)
				gotBal += wk * float64(cb)
				if k == hot && 2*wk > total+float64(n)*floor && c != 1 {
					t.Errorf("n=%d: the hottest label (most of the weight) takes %d compares", n, c)
				}
			}
			if got > gotBal {
				t.Errorf("n=%d: weighted funnel costs %.0f compares × jumps, the balanced one %.0f", n, got, gotBal)
			}
			if n <= 12 {
				if want := bruteCost(w, idx, 0, n, floor); got > want*(1+1e-9) {
					t.Errorf("n=%d: cost %.1f, optimum %.1f", n, got, want)
				}
			}
			if e.first[s.N] != idx[roots[0][n]] {
				t.Errorf("n=%d: the table's slot names label %d, the root is %d", n, e.first[s.N], idx[roots[0][n]])
			}
		}
	}
}

// bruteCost is the optimal expected compares over idx[i:j] by trying every
// root, with the floor added to each weight as optimalRoots does.
func bruteCost(w []uint64, idx []int, i, j int, floor float64) float64 {
	if i == j {
		return 0
	}
	var sum float64
	for p := i; p < j; p++ {
		sum += float64(w[idx[p]]) + floor
	}
	best := -1.0
	for r := i; r < j; r++ {
		c := bruteCost(w, idx, i, r, floor) + bruteCost(w, idx, r+1, j, floor)
		if best < 0 || c < best {
			best = c
		}
	}
	return best + sum
}
