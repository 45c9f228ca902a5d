package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
)

// Lines starting with '@' carry results from a section's child process to
// the parent, which tallies them and does not echo them:
//
//	@start CASE          a case begins (a crash is blamed on it)
//	@pass CASE           a gated check passed
//	@fail CASE           a gated check failed
//	@goal NAME MS LIMIT  a timed goal (met when MS <= LIMIT)

// tally is what a run found: checks passed and failed, the failed cases,
// and the goals.
type tally struct {
	passed, failed int
	failedCases    []string
	goals          []goal
	started        string // the case begun last, "" when it ended
}

type goal struct {
	name      string
	ms, limit float64
}

func (g goal) met() bool { return g.ms <= g.limit }

// reporter writes a section's rows to w as they are computed (w is not
// buffered), with the '@' lines, and keeps the tally.
type reporter struct {
	w io.Writer
	t *tally
}

func (r reporter) printf(format string, args ...any) {
	fmt.Fprintf(r.w, format, args...)
}

func (r reporter) start(id string) {
	fmt.Fprintf(r.w, "@start %s\n", id)
	r.t.started = id
	switch id {
	case crashAt:
		os.Exit(3) // a test's stand-in for a crash in this case
	case hangAt:
		time.Sleep(24 * time.Hour) // a test's stand-in for a kernel that never ends
	}
}

// crashAt and hangAt name cases whose start ends the process or blocks it
// forever; only tests set them.
var crashAt, hangAt string

// check prints one gated row, "ok" or "FAIL" at its end.
func (r reporter) check(id string, ok bool, format string, args ...any) {
	v := "ok"
	if !ok {
		v = "FAIL"
	}
	fmt.Fprintf(r.w, "  "+format+"  %s\n", append(args, v)...)
	r.record(id, ok)
}

// fail prints a failed case whose check could not run, with the error.
func (r reporter) fail(id string, err error) {
	fmt.Fprintf(r.w, "  %s: %v  FAIL\n", id, err)
	r.record(id, false)
}

func (r reporter) record(id string, ok bool) {
	if ok {
		fmt.Fprintf(r.w, "@pass %s\n", id)
	} else {
		fmt.Fprintf(r.w, "@fail %s\n", id)
	}
	r.t.add(id, ok)
	r.t.started = ""
}

func (r reporter) goal(name string, ms, limit float64) {
	fmt.Fprintf(r.w, "@goal %s %g %g\n", name, ms, limit)
	r.t.goals = append(r.t.goals, goal{name, ms, limit})
}

func (t *tally) add(id string, ok bool) {
	if ok {
		t.passed++
		return
	}
	t.failed++
	for _, c := range t.failedCases {
		if c == id {
			return
		}
	}
	t.failedCases = append(t.failedCases, id)
}

// merge adds s's results to t.
func (t *tally) merge(s *tally) {
	t.passed += s.passed
	t.failed += s.failed
	t.failedCases = append(t.failedCases, s.failedCases...)
	t.goals = append(t.goals, s.goals...)
}

// scan echoes a child's output to w without the '@' lines, which it adds to
// t. prefix starts every echoed line.
func (t *tally) scan(r io.Reader, w io.Writer, prefix string) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "@") {
			fmt.Fprintln(w, prefix+line)
			continue
		}
		f := strings.Fields(line)
		switch {
		case len(f) == 2 && f[0] == "@start":
			t.started = f[1]
		case len(f) == 2 && f[0] == "@pass":
			t.add(f[1], true)
			t.started = ""
		case len(f) == 2 && f[0] == "@fail":
			t.add(f[1], false)
			t.started = ""
		case len(f) == 4 && f[0] == "@goal":
			ms, err1 := strconv.ParseFloat(f[2], 64)
			limit, err2 := strconv.ParseFloat(f[3], 64)
			if err1 == nil && err2 == nil {
				t.goals = append(t.goals, goal{f[1], ms, limit})
			}
		default:
			fmt.Fprintln(w, prefix+line)
		}
	}
}

// summary is the run's last line.
func (t *tally) summary() (string, bool) {
	ok := t.failed == 0
	var b strings.Builder
	fmt.Fprintf(&b, "SUMMARY: checks %d passed, %d failed", t.passed, t.failed)
	if len(t.goals) == 0 {
		b.WriteString("; goals: none timed")
	} else {
		b.WriteString("; goals:")
	}
	for i, g := range t.goals {
		v := "met"
		if !g.met() {
			v, ok = "MISSED", false
		}
		sep := ","
		if i == 0 {
			sep = ""
		}
		fmt.Fprintf(&b, "%s %s %.3f ms (<= %g) %s", sep, g.name, g.ms, g.limit, v)
	}
	if ok {
		b.WriteString("; PASS")
	} else {
		b.WriteString("; FAIL")
	}
	return b.String(), ok
}
