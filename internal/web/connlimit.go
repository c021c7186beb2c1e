package web

import (
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// ConnLimit bounds the connections a server holds: at most PerClient from
// one client address and Max in all. A connection over a bound is not
// refused outright while connections sit idle between requests: the one
// idle longest (of that address when the address is at its bound, of
// anyone's when the server is) is closed to make room, so a client holding
// thousands of idle keep-alive connections loses them before anyone else
// is turned away, and the server never runs out of open files. Only when
// every held connection is busy is the new one closed at once.
//
// Use Listener on the server's listener and ConnState as its
// http.Server.ConnState.
type ConnLimit struct {
	PerClient int // connections one address may hold; 0: no bound per address
	Max       int // connections in all

	mu     sync.Mutex
	byAddr map[string]int
	total  int
	idle   map[*limitedConn]time.Time // idle since

	shed, refused atomic.Int64
}

// Shed returns how many idle connections were closed to make room.
func (l *ConnLimit) Shed() int64 { return l.shed.Load() }

// Refused returns how many new connections were closed at once.
func (l *ConnLimit) Refused() int64 { return l.refused.Load() }

// Listener returns ln with the bounds applied to what it accepts.
func (l *ConnLimit) Listener(ln net.Listener) net.Listener {
	l.mu.Lock()
	if l.byAddr == nil {
		l.byAddr, l.idle = map[string]int{}, map[*limitedConn]time.Time{}
	}
	l.mu.Unlock()
	return &limitListener{Listener: ln, l: l}
}

// ConnState tracks which connections are idle (http.Server.ConnState).
func (l *ConnLimit) ConnState(c net.Conn, s http.ConnState) {
	lc, ok := c.(*limitedConn)
	if !ok {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if s == http.StateIdle && !lc.released {
		l.idle[lc] = time.Now()
	} else {
		delete(l.idle, lc)
	}
}

// admit counts a new connection from addr in, making room if it must;
// false: it is to be closed.
func (l *ConnLimit) admit(c *limitedConn) bool {
	l.mu.Lock()
	var victim *limitedConn
	addrFull := l.PerClient > 0 && l.byAddr[c.addr] >= l.PerClient
	switch {
	case addrFull:
		victim = l.oldestIdle(c.addr)
	case l.total >= l.Max:
		victim = l.oldestIdle("")
	}
	over := addrFull || l.total >= l.Max
	if over && victim == nil {
		l.mu.Unlock()
		l.refused.Add(1)
		return false
	}
	if victim != nil {
		delete(l.idle, victim)
		l.release(victim) // counted out now; its Close will not count it again
	}
	l.byAddr[c.addr]++
	l.total++
	l.mu.Unlock()
	if victim != nil {
		l.shed.Add(1)
		_ = victim.Conn.Close()
	}
	return true
}

// oldestIdle is the connection idle longest, of addr ("": of anyone).
func (l *ConnLimit) oldestIdle(addr string) *limitedConn {
	var oldest *limitedConn
	var since time.Time
	for c, t := range l.idle {
		if (addr == "" || c.addr == addr) && (oldest == nil || t.Before(since)) {
			oldest, since = c, t
		}
	}
	return oldest
}

// release counts c out, once; l.mu is held.
func (l *ConnLimit) release(c *limitedConn) {
	if c.released {
		return
	}
	c.released = true
	l.total--
	if l.byAddr[c.addr]--; l.byAddr[c.addr] <= 0 {
		delete(l.byAddr, c.addr)
	}
}

type limitListener struct {
	net.Listener
	l *ConnLimit
}

func (ln *limitListener) Accept() (net.Conn, error) {
	for {
		c, err := ln.Listener.Accept()
		if err != nil {
			return nil, err
		}
		addr := c.RemoteAddr().String()
		if host, _, err := net.SplitHostPort(addr); err == nil {
			addr = host
		}
		lc := &limitedConn{Conn: c, l: ln.l, addr: addr}
		if ln.l.admit(lc) {
			return lc, nil
		}
		_ = c.Close()
	}
}

// limitedConn is a connection counted against its address.
type limitedConn struct {
	net.Conn
	l        *ConnLimit
	addr     string
	released bool // guarded by l.mu
}

func (c *limitedConn) Close() error {
	c.l.mu.Lock()
	delete(c.l.idle, c)
	c.l.release(c)
	c.l.mu.Unlock()
	return c.Conn.Close()
}

// CloseWrite half-closes the connection as net/http does before closing
// one it refuses (431, 400): the client then reads the answer instead of a
// reset.
func (c *limitedConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}
