package graphio_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/protoack/protoack/internal/graphio"
)

func TestWriteCSV(t *testing.T) {
	var b bytes.Buffer
	// 2D, structure of arrays: x = 1.5, -2; y = 0.1, 3e-7.
	if err := graphio.WriteCSV(&b, nil, []float32{1.5, -2, 0.1, 3e-7}, 2, 2); err != nil {
		t.Fatal(err)
	}
	if want := "id,x,y,z\n0,1.5,0.1,0\n1,-2,3e-07,0\n"; b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
	b.Reset()
	graphio.WriteCSV(&b, []string{"a,b", `say "hi"`}, []float32{1, 2, 3, 4, 5, 6}, 2, 3)
	if want := "id,x,y,z\n\"a,b\",1,3,5\n\"say \"\"hi\"\"\",2,4,6\n"; b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
}

func TestWriteJSON(t *testing.T) {
	var b bytes.Buffer
	if err := graphio.WriteJSON(&b, []string{"7", "x"}, []float32{1, 2, 3, 4}, 2, 2); err != nil {
		t.Fatal(err)
	}
	want := "{\"dims\":2,\"nodes\":[\n{\"id\":7,\"x\":1,\"y\":3,\"z\":0},\n{\"id\":\"x\",\"x\":2,\"y\":4,\"z\":0}\n]}\n"
	if b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
}

func TestPositionsRoundTrip(t *testing.T) {
	dir := t.TempDir()
	g, err := graphio.ReadJSON(strings.NewReader(`{"nodes":[{"id":"a,1"},{"id":5},{"id":"c"}],"links":[{"source":"a,1","target":5}]}`), "g")
	if err != nil {
		t.Fatal(err)
	}
	pos := []float32{1, 2, 3, 4, 5, 6, 7, 8, 0.125}
	for _, name := range []string{"p.csv", "p.json"} {
		path := filepath.Join(dir, name)
		if err := graphio.WritePositions(path, g.Labels, pos, 3, 3); err != nil {
			t.Fatal(err)
		}
		p, err := graphio.ReadPositions(path)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got, err := p.Place(g, name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for i := range pos {
			if got[i] != pos[i] {
				t.Fatalf("%s: positions %v, want %v", name, got, pos)
			}
		}
	}
	if err := graphio.WritePositions(filepath.Join(dir, "p.txt"), nil, pos, 3, 3); !errors.Is(err, graphio.ErrFormat) {
		t.Errorf("p.txt: %v, want ErrFormat", err)
	}
	if err := graphio.WritePositions(filepath.Join(dir, "p.csv"), nil, pos[:8], 3, 3); err == nil {
		t.Error("short positions accepted")
	}
	if err := graphio.WritePositions(filepath.Join(dir, "no/such/dir.csv"), nil, pos, 3, 3); err == nil {
		t.Error("unwritable path accepted")
	}
}

func TestReadPositions(t *testing.T) {
	g, _ := graphio.ReadEdgeList(strings.NewReader("0 1\n1 2\n"), "g")
	for _, c := range []struct {
		name, in, want string
	}{
		{"layoutq format", "0 1 2\n1 3 4\n2 5 6\n", ""},
		{"header and commas", "id,x,y,z\n2,5,6,0\n0,1,2,0\n1,3,4,0\n", ""},
		{"bad number", "0 1 2\n1 x 4\n", "p.txt:2: coordinate \"x\""},
		{"too few fields", "0 1\n", "p.txt:1: want \"id x y [z]\""},
		{"unknown id", "0 1 2\n1 3 4\n2 5 6\n9 1 1\n", `row 4: id "9" is not a node`},
		{"missing node", "0 1 2\n1 3 4\n", `no position for node "2"`},
		{"twice", "0 1 2\n1 3 4\n2 5 6\n1 3 4\n", `id "1" given twice`},
		{"non-finite", "0 1 2\n1 3 4\n2 5 NaN\n", `non-finite`},
		{"empty", "# nothing\n", "p.txt: no positions"},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "p.txt")
			os.WriteFile(path, []byte(c.in), 0o644)
			p, err := graphio.ReadPositions(path)
			var pos []float32
			if err == nil {
				pos, err = p.Place(g, "p.txt")
			}
			if c.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				if pos[0] != 1 || pos[1] != 3 || pos[3+2] != 6 || pos[6] != 0 {
					t.Errorf("positions %v", pos)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want %q", err, c.want)
			}
		})
	}
}
