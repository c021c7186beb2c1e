package web_test

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/hotelplatform/hotel/internal/web"
)

// TestConnLimitMax: at the bound in all, a new connection closes the one
// idle longest, whoever holds it; when every held connection is busy, the
// new one is closed at once and the busy ones are kept.
func TestConnLimitMax(t *testing.T) {
	t.Parallel()
	release, entered := make(chan struct{}), make(chan struct{}, 3)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/busy" {
			entered <- struct{}{} // the connection is active (not idle) by now
			<-release
		}
	})
	lim := &web.ConnLimit{PerClient: 100, Max: 3}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h, ConnState: lim.ConnState, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(lim.Listener(ln)) }()
	t.Cleanup(func() { close(release); _ = srv.Close() })

	dial := func(path string, wait bool) net.Conn {
		t.Helper()
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		if _, err := io.WriteString(c, "GET "+path+" HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
			t.Fatal(err)
		}
		if wait {
			_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
			if _, err := http.ReadResponse(bufio.NewReader(c), nil); err != nil {
				t.Fatalf("GET %s: %v", path, err)
			}
		}
		return c
	}
	open := func(c net.Conn) bool {
		_ = c.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
		_, err := c.Read(make([]byte, 1))
		return errors.Is(err, os.ErrDeadlineExceeded)
	}

	idle1 := dial("/", true)
	time.Sleep(10 * time.Millisecond)
	idle2 := dial("/", true)
	busy := dial("/busy", false)
	<-entered
	fourth := dial("/", true) // at the bound: idle1, the oldest idle, makes room
	if open(idle1) || !open(idle2) || !open(fourth) {
		t.Fatalf("after a fourth connection: idle1 open %v (want closed), idle2 %v, fourth %v", open(idle1), open(idle2), open(fourth))
	}
	if lim.Shed() != 1 {
		t.Fatalf("shed %d, want 1", lim.Shed())
	}
	// Make every held connection busy; the next is refused at once.
	for _, c := range []net.Conn{idle2, fourth} {
		if _, err := io.WriteString(c, "GET /busy HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
			t.Fatal(err)
		}
	}
	<-entered
	<-entered
	fifth := dial("/", false)
	_ = fifth.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := http.ReadResponse(bufio.NewReader(fifth), nil); err == nil {
		t.Fatal("a connection over the bound with every held one busy was served")
	}
	if lim.Refused() != 1 || !open(busy) {
		t.Fatalf("refused %d (want 1), busy connection open %v", lim.Refused(), open(busy))
	}
}
