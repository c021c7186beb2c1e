package pgtest

import (
	"net"
	"sync"
	"testing"
)

// Link is a TCP proxy between a standby and its primary (StandbyOptions
// Upstream = Link.Addr()) that a test can cut: while cut, nothing passes
// either way but the connections stay open — a network partition, not a
// reset. Closed at the end of the test.
type Link struct {
	l    net.Listener
	to   string
	mu   sync.Mutex
	cut  bool
	open *sync.Cond // signalled when cut ends or the link closes
	done bool
	wg   sync.WaitGroup
}

// NewLink listens on a free 127.0.0.1 port and forwards to upstream.
func NewLink(t testing.TB, upstream string) *Link {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	k := &Link{l: l, to: upstream}
	k.open = sync.NewCond(&k.mu)
	k.wg.Go(k.accept)
	t.Cleanup(k.close)
	return k
}

// Addr is the address the standby connects to.
func (k *Link) Addr() string { return k.l.Addr().String() }

// Cut stops every byte from passing until Restore.
func (k *Link) Cut() {
	k.mu.Lock()
	k.cut = true
	k.mu.Unlock()
}

// Restore lets bytes pass again.
func (k *Link) Restore() {
	k.mu.Lock()
	k.cut = false
	k.open.Broadcast()
	k.mu.Unlock()
}

func (k *Link) close() {
	k.mu.Lock()
	k.done = true
	k.open.Broadcast()
	k.mu.Unlock()
	k.l.Close()
	k.wg.Wait()
}

func (k *Link) accept() {
	var conns []net.Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for {
		c, err := k.l.Accept()
		if err != nil {
			return
		}
		up, err := net.Dial("tcp", k.to)
		if err != nil {
			c.Close()
			continue
		}
		conns = append(conns, c, up)
		k.wg.Go(func() { k.pipe(up, c) })
		k.wg.Go(func() { k.pipe(c, up) })
	}
}

// pipe copies from src to dst, holding each chunk while the link is cut.
func (k *Link) pipe(dst, src net.Conn) {
	defer dst.Close()
	defer src.Close()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			k.mu.Lock()
			for k.cut && !k.done {
				k.open.Wait()
			}
			done := k.done
			k.mu.Unlock()
			if done {
				return
			}
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil { // io.EOF or a closed connection
			return
		}
	}
}
