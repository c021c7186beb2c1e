package pgtest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// count reads how many rows table t has on dsn.
func count(ctx context.Context, t *testing.T, dsn string) int {
	t.Helper()
	conn := connect(t, dsn)
	defer conn.Close(ctx)
	var n int
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM t").Scan(&n); err != nil {
		t.Fatalf("count on %s: %v", dsn, err)
	}
	return n
}

// waitCount waits until table t has want rows on dsn.
func waitCount(ctx context.Context, t *testing.T, dsn string, want int) {
	t.Helper()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for n := count(ctx, t, dsn); n != want; n = count(ctx, t, dsn) {
		select {
		case <-ctx.Done():
			t.Fatalf("table t has %d rows on the standby, want %d", n, want)
		case <-tick.C:
		}
	}
}

// A standby streams the primary's writes, can be paused and resumed, and
// promoted once the primary is killed; with synchronous replication a
// commit waits for it.
func TestStandby(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	primary := NewCluster(t)
	url := primary.URL()
	pc := connect(t, url)
	defer pc.Close(ctx)
	if _, err := pc.Exec(ctx, "CREATE TABLE t (id int)"); err != nil {
		t.Fatal(err)
	}
	standby := NewStandby(t, primary, StandbyOptions{Name: "s1"})
	surl := standby.DatabaseURL(url)

	if _, err := pc.Exec(ctx, "INSERT INTO t VALUES (1)"); err != nil {
		t.Fatal(err)
	}
	waitCount(ctx, t, surl, 1)

	if err := standby.PauseReplay(); err != nil {
		t.Fatal(err)
	}
	if _, err := pc.Exec(ctx, "INSERT INTO t VALUES (2)"); err != nil {
		t.Fatal(err)
	}
	if n := count(ctx, t, surl); n != 1 {
		t.Errorf("paused standby has %d rows, want 1", n)
	}
	if err := standby.ResumeReplay(); err != nil {
		t.Fatal(err)
	}
	waitCount(ctx, t, surl, 2)

	// Synchronous: a commit returns once the standby has it; with the
	// standby down, it waits.
	if err := primary.SetSynchronousStandbys("s1"); err != nil {
		t.Fatal(err)
	}
	if err := standby.Stop(); err != nil {
		t.Fatal(err)
	}
	short, cancelShort := context.WithTimeout(ctx, 300*time.Millisecond)
	_, err := pc.Exec(short, "INSERT INTO t VALUES (3)")
	cancelShort()
	if err == nil {
		t.Error("a commit returned with its synchronous standby down")
	}
	if err := standby.Start(); err != nil {
		t.Fatal(err)
	}
	pc2 := connect(t, url)
	defer pc2.Close(ctx)
	if _, err := pc2.Exec(ctx, "INSERT INTO t VALUES (4)"); err != nil {
		t.Fatal(err)
	}

	if err := primary.Kill(); err != nil {
		t.Fatal(err)
	}
	if err := standby.Promote(); err != nil {
		t.Fatal(err)
	}
	sc := connect(t, surl)
	defer sc.Close(ctx)
	if _, err := sc.Exec(ctx, "INSERT INTO t VALUES (5)"); err != nil {
		t.Fatalf("write on the promoted standby: %v", err)
	}
	var n int
	if err := sc.QueryRow(ctx, "SELECT count(*) FROM t WHERE id = 4").Scan(&n); err != nil || n != 1 {
		t.Errorf("the synchronously committed row: %d rows, %v", n, err)
	}
	// The primary is gone.
	if c, err := pgx.Connect(ctx, url); err == nil {
		c.Close(ctx)
		t.Error("the killed primary still accepts connections")
	} else if errors.Is(err, context.DeadlineExceeded) {
		t.Error(err)
	}
}
