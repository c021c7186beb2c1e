package progress

import (
	"bytes"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// clock is a fake clock that tests move by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)} }

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func lines(s string) []string {
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

func TestPlainLines(t *testing.T) {
	var out bytes.Buffer
	c := newClock()
	r := New(&out, "seeded", 14_600_000, WithClock(c.now), WithUnit("nights"))

	steps := []struct {
		after time.Duration
		done  int64
		want  string // the line printed, if any
	}{
		{1 * time.Second, 1_000_000, ""},
		{1 * time.Second, 1_460_000, "seeded 1460000/14600000 nights (10%), 730000/s"},
		{1 * time.Second, 2_000_000, ""},
		{3 * time.Second, 2_300_000, ""},                                               // 4s since the last line
		{1 * time.Second, 2_500_000, "seeded 2500000/14600000 nights (17%), 357142/s"}, // 5s since the last line
		{0, 2_500_001, ""},
		{1 * time.Second, 2_400_000, ""}, // backwards: ignored
		{1 * time.Second, 2_500_000, ""}, // no progress
		{6 * time.Second, 2_500_000, ""}, // 5s passed, but no progress
		{0, 2_600_000, "seeded 2600000/14600000 nights (17%), 173333/s"},
		{3 * time.Second, 9_000_000, "seeded 9000000/14600000 nights (61%), 500000/s"}, // several tenths at once: one line
		{1 * time.Second, 9_100_000, ""},
		{1 * time.Second, 14_600_000, ""}, // 100%: left to Done
	}
	var want []string
	for i, s := range steps {
		c.advance(s.after)
		before := out.Len()
		r.Set(s.done)
		got := strings.TrimSuffix(out.String()[before:], "\n")
		if got != s.want {
			t.Fatalf("step %d: Set(%d) printed %q, want %q", i, s.done, got, s.want)
		}
		if s.want != "" {
			want = append(want, s.want)
		}
	}
	c.advance(time.Second)
	r.Done()
	want = append(want, "seeded 14600000/14600000 nights in 21s (695238/s)")
	if got := lines(out.String()); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("output:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if !strings.HasSuffix(out.String(), "\n") || strings.Contains(out.String(), "\r") {
		t.Fatalf("plain output %q must be newline-terminated lines without \\r", out.String())
	}

	// After Done, nothing more is written.
	n := out.Len()
	c.advance(time.Minute)
	r.Set(20_000_000)
	r.Done()
	if out.Len() != n {
		t.Fatalf("wrote %q after Done", out.String()[n:])
	}
}

func TestPlainUnknownTotal(t *testing.T) {
	var out bytes.Buffer
	c := newClock()
	r := New(&out, "copied", 0, WithClock(c.now), WithUnit("rows"))
	for range 12 {
		c.advance(time.Second)
		r.Set(r.done + 100)
	}
	c.advance(500 * time.Millisecond)
	r.Done()
	want := []string{
		"copied 500 rows, 100/s",
		"copied 1000 rows, 100/s",
		"copied 1200 rows in 12.5s (96/s)",
	}
	if got := lines(out.String()); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("output:\n%s\nwant:\n%s", out.String(), strings.Join(want, "\n"))
	}
}

func TestDoneWithoutProgress(t *testing.T) {
	var out bytes.Buffer
	c := newClock()
	r := New(&out, "seeded", 10, WithClock(c.now))
	r.Done() // no time has passed: no rate
	if got, want := out.String(), "seeded 0/10 in 0s\n"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestTerminalBar(t *testing.T) {
	var out bytes.Buffer
	c := newClock()
	r := New(&out, "seeded", 1000, WithClock(c.now), WithUnit("nights"), WithTerminal(true))

	c.advance(50 * time.Millisecond)
	r.Set(10)
	if out.Len() != 0 {
		t.Fatalf("redrew after 50ms: %q", out.String())
	}
	c.advance(50 * time.Millisecond)
	r.Set(250)
	want := "\rseeded [======>                 ]  25% 250/1000 nights  2500/s  ETA 0s"
	if got := out.String(); got != want {
		t.Fatalf("bar:\n got %q\nwant %q", got, want)
	}

	out.Reset()
	c.advance(10 * time.Millisecond)
	r.Set(300) // too soon
	if out.Len() != 0 {
		t.Fatalf("redrew after 10ms: %q", out.String())
	}
	c.advance(2 * time.Second)
	r.Set(500)
	want = "\rseeded [============>           ]  50% 500/1000 nights  236/s  ETA 2s "
	if got := out.String(); got != want {
		t.Fatalf("bar:\n got %q\nwant %q", got, want)
	}

	out.Reset()
	c.advance(2 * time.Second)
	r.Set(1000)
	r.Done()
	got := out.String()
	// The 100% bar blanks the end of the longer bar before it; the final line
	// then overwrites the 100% bar, blanks its end too and ends the line.
	bar100 := "\rseeded [========================] 100% 1000/1000 nights  243/s" + strings.Repeat(" ", 7)
	final := "\rseeded 1000/1000 nights in 4.1s (243/s)" + strings.Repeat(" ", 23) + "\n"
	if want := bar100 + final; got != want {
		t.Fatalf("final output:\n got %q\nwant %q (the full bar, then the final line over it, ending the line)", got, want)
	}
}

func TestFileThatIsNotATerminal(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "progress")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	c := newClock()
	r := New(f, "seeded", 10, WithClock(c.now))
	if r.tty {
		t.Fatal("a regular file was taken for a terminal")
	}
	c.advance(time.Second)
	r.Set(5)
	r.Done()
	b, err := os.ReadFile(f.Name())
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), "seeded 5/10 (50%), 5/s\nseeded 5/10 in 1s (5/s)\n"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestConcurrentSet(t *testing.T) {
	var out bytes.Buffer
	c := newClock()
	const total = 100_000
	r := New(&out, "loaded", total, WithClock(c.now))
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := int64(w); i <= total; i += 8 {
				c.advance(time.Microsecond)
				r.Set(i)
			}
		})
	}
	wg.Wait()
	r.Done()
	got := lines(out.String())
	if len(got) < 2 || len(got) > 10 {
		t.Fatalf("got %d lines, want one per tenth and a final one:\n%s", len(got), out.String())
	}
	if last := got[len(got)-1]; !strings.HasPrefix(last, "loaded 100000/100000 in ") {
		t.Fatalf("final line %q", last)
	}
}

func BenchmarkSet(b *testing.B) {
	r := New(&bytes.Buffer{}, "seeded", 1<<62, WithUnit("nights"))
	var i int64
	for b.Loop() {
		i += 10_000
		r.Set(i)
	}
}
