package kernel_test

import (
	"math"
	"testing"

	"github.com/protoack/protoack/actors/forcecompute/kernel"
)

// smix is SplitMix64's output for state x: the generator seeded with x
// returns smix(x) first. Written here from the published algorithm, apart
// from the kernel's copy.
func smix(x uint64) uint64 {
	z := x + 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// byHand is the documented formula of InitialPositions for node i of n.
func byHand(p kernel.Params, i, n int) [3]float64 {
	u := func(k uint64) float64 {
		return float64(smix(p.Seed^(uint64(i)<<2|k))>>11) / (1 << 53)
	}
	d := float64(p.Dims)
	R := math.Max(float64(p.RestLength), 1) * math.Pow(float64(n), 1/d)
	rho := R * math.Pow((float64(i)+0.5)/float64(n), 1/d)
	if p.Dims == 2 {
		phi := 2 * math.Pi * u(0)
		return [3]float64{rho * math.Cos(phi), rho * math.Sin(phi)}
	}
	z := 2*u(0) - 1
	phi := 2 * math.Pi * u(1)
	s := math.Sqrt(1 - z*z)
	return [3]float64{rho * s * math.Cos(phi), rho * s * math.Sin(phi), rho * z}
}

// TestInitialPositionsFormula computes nodes by hand from the formula in
// the doc comment, for odd and even seeds, and checks that u_0 and u_1 are
// independent in 3D (height and angle are not tied into a spiral).
func TestInitialPositionsFormula(t *testing.T) {
	// The published first output of SplitMix64 seeded with 0.
	if got := smix(0); got != 0xe220a8397b1dcdaf {
		t.Fatalf("test's splitmix64(0) = %#x", got)
	}
	const n = 4000
	for _, dims := range []int{2, 3} {
		for _, seed := range []uint64{1, 2, 0xdeadbeef} {
			p := kernel.Defaults()
			p.Dims, p.Seed = dims, seed
			pos := make([]float32, dims*n)
			if err := kernel.InitialPositions(p, 0, n, pos); err != nil {
				t.Fatal(err)
			}
			for _, i := range []int{0, 1, 2, 7, 100, n - 1} {
				want := byHand(p, i, n)
				for c := 0; c < dims; c++ {
					if got := pos[c*n+i]; got != float32(want[c]) {
						t.Errorf("%dD seed %d node %d coord %d: %v, formula gives %v", dims, seed, i, c, got, float32(want[c]))
					}
				}
			}
			if dims == 3 {
				checkIndependent(t, seed, pos, n)
			}
		}
	}
}

// checkIndependent recovers z/rho (that is 2*u_0 - 1) and phi (2*pi*u_1)
// of every node and requires their 4x4 contingency table to pass a
// chi-square test for independence (9 degrees of freedom; 40 is far
// beyond the 0.001 level, 27.9) and their correlation to be small.
func checkIndependent(t *testing.T, seed uint64, pos []float32, n int) {
	t.Helper()
	var cells [4][4]float64
	var su, sv, suu, svv, suv float64
	for i := 0; i < n; i++ {
		x, y, z := float64(pos[i]), float64(pos[n+i]), float64(pos[2*n+i])
		rho := math.Sqrt(x*x + y*y + z*z)
		u := (z/rho + 1) / 2
		v := math.Atan2(y, x)/(2*math.Pi) + 0.5
		a, b := min(int(u*4), 3), min(int(v*4), 3)
		cells[a][b]++
		su, sv, suu, svv, suv = su+u, sv+v, suu+u*u, svv+v*v, suv+u*v
	}
	var rows, cols [4]float64
	for a := range cells {
		for b := range cells[a] {
			rows[a] += cells[a][b]
			cols[b] += cells[a][b]
		}
	}
	var chi2 float64
	for a := range cells {
		for b := range cells[a] {
			e := rows[a] * cols[b] / float64(n)
			chi2 += (cells[a][b] - e) * (cells[a][b] - e) / e
		}
	}
	N := float64(n)
	corr := (suv/N - su/N*sv/N) / math.Sqrt((suu/N-su*su/N/N)*(svv/N-sv*sv/N/N))
	if chi2 > 40 || math.Abs(corr) > 0.1 {
		t.Errorf("3D seed %d: height and angle dependent: chi2 %.1f (9 dof), corr %.3f", seed, chi2, corr)
	}
}
