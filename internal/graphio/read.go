package graphio

import (
	"bufio"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Read reads the graph in file path: JSON when the name ends in ".json", an
// edge list otherwise. Path "-" reads stdin, named "stdin" in errors, as
// JSON when its first non-blank byte is '{' (no edge-list line starts so).
func Read(path string, stdin io.Reader) (*Graph, error) {
	if path == "-" {
		br := bufio.NewReader(stdin)
		if firstByte(br) == '{' {
			return ReadJSON(br, "stdin")
		}
		return ReadEdgeList(br, "stdin")
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err // *PathError: "open PATH: no such file or directory"
	}
	defer f.Close()
	if strings.EqualFold(filepath.Ext(path), ".json") {
		return ReadJSON(bufio.NewReader(f), path)
	}
	return ReadEdgeList(f, path)
}

// firstByte peeks past leading blanks and returns the first other byte, or
// 0 when there is none in the first buffer.
func firstByte(br *bufio.Reader) byte {
	for n := 1; n <= br.Size(); n++ {
		b, _ := br.Peek(n)
		if len(b) < n {
			return 0
		}
		if c := b[n-1]; c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			return c
		}
	}
	return 0
}
