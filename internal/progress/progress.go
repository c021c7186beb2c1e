// Package progress reports the progress of long command-line operations,
// such as loading millions of inventory nights with `hotel seed`.
//
// On a terminal a Reporter redraws a one-line bar in place; anywhere else
// (a log file, a CI job, a pipe) it prints a plain line now and then.
package progress

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mattn/go-isatty"
)

// Pacing of the output.
const (
	// TerminalInterval is the least time between two redraws of the bar.
	TerminalInterval = 100 * time.Millisecond
	// LogInterval is the longest time between two plain lines while work
	// advances; a line is also printed each time another tenth is done.
	LogInterval = 5 * time.Second
)

const barWidth = 24

// Reporter reports the progress of an operation of a known number of units.
// Its methods are safe for concurrent use.
type Reporter struct {
	w     io.Writer
	label string
	unit  string
	total int64
	now   func() time.Time
	tty   bool

	mu        sync.Mutex
	start     time.Time
	done      int64
	lastTime  time.Time // when the last line or bar was written
	lastDone  int64     // units done at that time
	lastTenth int64     // tenths done at that time (plain output)
	lastWidth int       // length of the bar drawn last (terminal output)
	finished  bool
}

// Option configures a Reporter.
type Option func(*Reporter)

// WithClock makes the Reporter read the time from now instead of time.Now,
// so tests can drive it without sleeping.
func WithClock(now func() time.Time) Option { return func(r *Reporter) { r.now = now } }

// WithUnit names the units counted ("nights"); it follows the counts.
func WithUnit(unit string) Option { return func(r *Reporter) { r.unit = unit } }

// WithTerminal overrides the detection of a terminal: true draws the bar,
// false prints plain lines.
func WithTerminal(tty bool) Option { return func(r *Reporter) { r.tty = tty } }

// New returns a reporter for total units written to w, each line starting
// with label ("seeded"). If w is an *os.File that is a terminal, it redraws a
// one-line bar with percentage, count, rate and ETA at most every
// TerminalInterval using \r; otherwise it prints a plain line such as
//
//	seeded 1460000/14600000 nights (10%), 512000/s
//
// each time another tenth of total is done, or LogInterval after the last
// line if the work advanced, whichever comes first. A total ≤ 0 means the
// total is unknown: no percentage or ETA is shown.
func New(w io.Writer, label string, total int64, opts ...Option) *Reporter {
	r := &Reporter{w: w, label: label, total: total, now: time.Now}
	if f, ok := w.(*os.File); ok {
		fd := f.Fd()
		r.tty = isatty.IsTerminal(fd) || isatty.IsCygwinTerminal(fd)
	}
	for _, o := range opts {
		o(r)
	}
	r.start = r.now()
	r.lastTime = r.start
	return r
}

// Set records that done units are finished (it never moves backwards). It is
// cheap enough to call every few thousand units and writes only when a line
// or redraw is due. Calls after Done are ignored.
func (r *Reporter) Set(done int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.finished || done <= r.done {
		return
	}
	r.done = done
	now := r.now()
	if r.tty {
		if now.Sub(r.lastTime) >= TerminalInterval {
			r.draw(now)
		}
		return
	}
	tenth := r.tenth(done)
	if tenth < 10 && (tenth > r.lastTenth || now.Sub(r.lastTime) >= LogInterval) {
		r.line(now)
	}
}

// Done writes the final line, with the units done, the time taken and the
// average rate, terminated by a newline. Later calls do nothing.
func (r *Reporter) Done() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.finished {
		return
	}
	r.finished = true
	now := r.now()
	elapsed := now.Sub(r.start)
	var b strings.Builder
	b.WriteString(r.label)
	b.WriteByte(' ')
	r.counts(&b)
	b.WriteString(" in ")
	b.WriteString(roundDuration(elapsed).String())
	if rate, ok := r.rate(now); ok {
		b.WriteString(" (")
		b.WriteString(strconv.FormatInt(rate, 10))
		b.WriteString("/s)")
	}
	if r.tty {
		r.overwrite(b.String())
	} else {
		b.WriteByte('\n')
		_, _ = io.WriteString(r.w, b.String())
	}
}

// line prints a plain progress line.
func (r *Reporter) line(now time.Time) {
	var b strings.Builder
	b.WriteString(r.label)
	b.WriteByte(' ')
	r.counts(&b)
	if r.total > 0 {
		fmt.Fprintf(&b, " (%d%%)", r.percent())
	}
	if rate, ok := r.rate(now); ok {
		fmt.Fprintf(&b, ", %d/s", rate)
	}
	b.WriteByte('\n')
	_, _ = io.WriteString(r.w, b.String())
	r.mark(now)
}

// draw redraws the terminal bar.
func (r *Reporter) draw(now time.Time) {
	var b strings.Builder
	b.WriteString(r.label)
	b.WriteByte(' ')
	if r.total > 0 {
		filled := int(min(r.done, r.total) * barWidth / r.total)
		b.WriteByte('[')
		b.WriteString(strings.Repeat("=", filled))
		if filled < barWidth {
			b.WriteByte('>')
			b.WriteString(strings.Repeat(" ", barWidth-filled-1))
		}
		fmt.Fprintf(&b, "] %3d%% ", r.percent())
	}
	r.counts(&b)
	if rate, ok := r.rate(now); ok {
		fmt.Fprintf(&b, "  %d/s", rate)
		if r.total > r.done && rate > 0 {
			eta := time.Duration(float64(r.total-r.done) / float64(rate) * float64(time.Second))
			fmt.Fprintf(&b, "  ETA %s", eta.Round(time.Second))
		}
	}
	r.overwrite(b.String())
	r.mark(now)
}

// overwrite redraws the terminal line as s, blanking what is left of the
// previous one; a finished Reporter ends the line.
func (r *Reporter) overwrite(s string) {
	pad := max(r.lastWidth-len(s), 0)
	out := "\r" + s + strings.Repeat(" ", pad)
	if r.finished {
		out += "\n"
	}
	_, _ = io.WriteString(r.w, out)
	r.lastWidth = len(s)
}

// mark remembers what was last written.
func (r *Reporter) mark(now time.Time) {
	r.lastTime, r.lastDone, r.lastTenth = now, r.done, r.tenth(r.done)
}

// counts writes "done/total unit" (or "done unit" when total is unknown).
func (r *Reporter) counts(b *strings.Builder) {
	b.WriteString(strconv.FormatInt(r.done, 10))
	if r.total > 0 {
		b.WriteByte('/')
		b.WriteString(strconv.FormatInt(r.total, 10))
	}
	if r.unit != "" {
		b.WriteByte(' ')
		b.WriteString(r.unit)
	}
}

// tenth returns how many whole tenths of the total done is (0 when unknown).
func (r *Reporter) tenth(done int64) int64 {
	if r.total <= 0 {
		return 0
	}
	return min(done, r.total) * 10 / r.total
}

// percent returns the whole percentage done, at most 100.
func (r *Reporter) percent() int64 {
	return min(r.done, r.total) * 100 / r.total
}

// rate returns the average units per second since New, if any time passed.
func (r *Reporter) rate(now time.Time) (int64, bool) {
	elapsed := now.Sub(r.start)
	if elapsed <= 0 {
		return 0, false
	}
	return int64(float64(r.done) / elapsed.Seconds()), true
}

// roundDuration rounds d to a precision fit to show a person.
func roundDuration(d time.Duration) time.Duration {
	switch {
	case d >= time.Minute:
		return d.Round(time.Second)
	case d >= time.Second:
		return d.Round(100 * time.Millisecond)
	default:
		return d.Round(time.Millisecond)
	}
}
