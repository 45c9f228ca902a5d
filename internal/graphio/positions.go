package graphio

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Format is a positions file format.
type Format int

// The positions formats.
const (
	CSV  Format = iota // header id,x,y,z, one node per line
	JSON               // {"nodes":[{"id":...,"x":...,"y":...,"z":...}]}
)

// ErrFormat is wrapped by FormatOf's errors.
var ErrFormat = errors.New("want a name ending in .csv or .json")

// FormatOf returns the positions format named by path's extension, so a
// command can reject a bad -out before it computes anything.
func FormatOf(path string) (Format, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		return CSV, nil
	case ".json":
		return JSON, nil
	}
	return 0, fmt.Errorf("%s: %w", path, ErrFormat)
}

// WritePositions writes the positions of n nodes to file path, in the
// format FormatOf(path) names. pos is structure of arrays (x block, y block,
// then z block in 3D), as kernel.Kernel.Positions writes it; labels names
// the nodes (nil: by index), as Graph.Labels does.
func WritePositions(path string, labels []string, pos []float32, n, dims int) error {
	format, err := FormatOf(path)
	if err != nil {
		return err
	}
	if err := checkPositions(labels, pos, n, dims); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<16)
	if format == JSON {
		err = WriteJSON(w, labels, pos, n, dims)
	} else {
		err = WriteCSV(w, labels, pos, n, dims)
	}
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// WriteCSV writes the header id,x,y,z and one line per node; z is 0 in 2D.
// Numbers are the shortest text that reads back as the same float32.
func WriteCSV(w io.Writer, labels []string, pos []float32, n, dims int) error {
	if err := checkPositions(labels, pos, n, dims); err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	bw.WriteString("id,x,y,z\n")
	var buf []byte
	for i := 0; i < n; i++ {
		buf = buf[:0]
		if labels == nil {
			buf = strconv.AppendInt(buf, int64(i), 10)
		} else {
			buf = appendCSVField(buf, labels[i])
		}
		for c := 0; c < 3; c++ {
			buf = append(buf, ',')
			buf = appendFloat(buf, coord(pos, n, dims, c, i))
		}
		buf = append(buf, '\n')
		if _, err := bw.Write(buf); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// WriteJSON writes {"dims":D,"nodes":[{"id":...,"x":...,"y":...,"z":...},...]}
// with one node per line; z is 0 in 2D. An id that reads as a JSON number
// is written as a number, any other as a string (ReadJSON treats 7 and "7"
// as the same id).
func WriteJSON(w io.Writer, labels []string, pos []float32, n, dims int) error {
	if err := checkPositions(labels, pos, n, dims); err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "{\"dims\":%d,\"nodes\":[", dims)
	var buf []byte
	for i := 0; i < n; i++ {
		buf = buf[:0]
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, "\n{\"id\":"...)
		if labels == nil {
			buf = strconv.AppendInt(buf, int64(i), 10)
		} else if json.Valid([]byte(labels[i])) && isNumber(labels[i]) {
			buf = append(buf, labels[i]...)
		} else {
			q, _ := json.Marshal(labels[i])
			buf = append(buf, q...)
		}
		for c, key := range [3]string{`,"x":`, `,"y":`, `,"z":`} {
			buf = append(buf, key...)
			buf = appendJSONFloat(buf, coord(pos, n, dims, c, i))
		}
		buf = append(buf, '}')
		if _, err := bw.Write(buf); err != nil {
			return err
		}
	}
	bw.WriteString("\n]}\n")
	return bw.Flush()
}

func checkPositions(labels []string, pos []float32, n, dims int) error {
	if dims != 2 && dims != 3 {
		return fmt.Errorf("graphio: dims=%d must be 2 or 3", dims)
	}
	if n < 0 || len(pos) < dims*n {
		return fmt.Errorf("graphio: len(pos)=%d < dims*n=%d", len(pos), dims*n)
	}
	if labels != nil && len(labels) < n {
		return fmt.Errorf("graphio: %d labels for %d nodes", len(labels), n)
	}
	return nil
}

func coord(pos []float32, n, dims, c, i int) float32 {
	if c >= dims {
		return 0
	}
	return pos[c*n+i]
}

func appendFloat(b []byte, v float32) []byte {
	return strconv.AppendFloat(b, float64(v), 'g', -1, 32)
}

// appendJSONFloat writes a non-finite coordinate as null: JSON has no NaN.
func appendJSONFloat(b []byte, v float32) []byte {
	f := float64(v)
	if f != f || f > 1e39 || f < -1e39 {
		return append(b, "null"...)
	}
	return appendFloat(b, v)
}

func isNumber(s string) bool {
	return s != "" && (s[0] == '-' || (s[0] >= '0' && s[0] <= '9'))
}

// appendCSVField quotes s when it holds a comma, quote, or line break.
func appendCSVField(b []byte, s string) []byte {
	if !strings.ContainsAny(s, ",\"\r\n") && strings.TrimSpace(s) == s {
		return append(b, s...)
	}
	b = append(b, '"')
	b = append(b, strings.ReplaceAll(s, `"`, `""`)...)
	return append(b, '"')
}
