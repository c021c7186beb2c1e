package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"sync"

	"modernc.org/sqlite"
)

// A statement cache per connection. database/sql hands the driver each
// Exec and Query as SQL text, and the driver prepares it every time:
// parsing, planning and — for a statement on a table with triggers —
// coding every trigger's program, a quarter of a write's CPU. The store
// runs the same few dozen statements again and again, so each connection
// keeps its prepared statements (modernc's reset for reuse) by text.

// stmtCacheSize bounds the statements one connection keeps; past it a
// statement is prepared for its one use, as without the cache.
const stmtCacheSize = 256

// driverName is the name the caching driver is registered under.
const driverName = "sqlite-stmtcache"

func init() { sql.Register(driverName, cachingDriver{&sqlite.Driver{}}) }

// cachingDriver opens modernc's connections with a statement cache.
type cachingDriver struct{ d *sqlite.Driver }

func (cd cachingDriver) Open(name string) (driver.Conn, error) {
	c, err := cd.d.Open(name)
	if err != nil {
		return nil, err
	}
	return &cachedConn{conn: c, stmts: map[string]*cachedStmt{}}, nil
}

// conn is what a modernc connection is.
type conn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.ExecerContext
	driver.QueryerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
}

// cachedConn is a connection with its statements. database/sql uses a
// connection from one goroutine at a time; busy marks a statement whose
// rows are still open, which a nested use of the same text must not reset.
type cachedConn struct {
	conn  driver.Conn
	mu    sync.Mutex
	stmts map[string]*cachedStmt
}

type cachedStmt struct {
	s    driver.Stmt
	busy bool
}

func (c *cachedConn) base() conn { return c.conn.(conn) }

// stmt returns the cached statement of query, preparing it the first
// time, or nil when it is in use or the cache is full.
func (c *cachedConn) stmt(ctx context.Context, query string) (*cachedStmt, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if cs, ok := c.stmts[query]; ok {
		if cs.busy {
			return nil, nil
		}
		return cs, nil
	}
	if len(c.stmts) >= stmtCacheSize {
		return nil, nil
	}
	s, err := c.base().PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	cs := &cachedStmt{s: s}
	c.stmts[query] = cs
	return cs, nil
}

// ExecContext runs query with args on its cached statement. A statement
// without arguments (a script, DDL, a pragma) is run as the driver runs
// it.
func (c *cachedConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	if len(args) == 0 {
		return c.base().ExecContext(ctx, query, args)
	}
	cs, err := c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	if cs == nil {
		return c.base().ExecContext(ctx, query, args)
	}
	return cs.s.(driver.StmtExecContext).ExecContext(ctx, args)
}

// QueryContext runs query with args on its cached statement, in use until
// its rows are closed.
func (c *cachedConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	if len(args) == 0 {
		return c.base().QueryContext(ctx, query, args)
	}
	cs, err := c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	if cs == nil {
		return c.base().QueryContext(ctx, query, args)
	}
	rows, err := cs.s.(driver.StmtQueryContext).QueryContext(ctx, args)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	cs.busy = true
	c.mu.Unlock()
	return &cachedRows{Rows: rows, done: func() {
		c.mu.Lock()
		cs.busy = false
		c.mu.Unlock()
	}}, nil
}

// cachedRows frees their statement when closed.
type cachedRows struct {
	driver.Rows
	once sync.Once
	done func()
}

func (r *cachedRows) Close() error {
	err := r.Rows.Close()
	r.once.Do(r.done)
	return err
}

// Close finalizes the cached statements and closes the connection.
func (c *cachedConn) Close() error {
	c.mu.Lock()
	for q, cs := range c.stmts {
		_ = cs.s.Close()
		delete(c.stmts, q)
	}
	c.mu.Unlock()
	return c.conn.Close()
}

func (c *cachedConn) Prepare(query string) (driver.Stmt, error) { return c.conn.Prepare(query) }
func (c *cachedConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	return c.base().PrepareContext(ctx, query)
}
func (c *cachedConn) Begin() (driver.Tx, error) {
	return c.base().BeginTx(context.Background(), driver.TxOptions{})
}
func (c *cachedConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	return c.base().BeginTx(ctx, opts)
}
func (c *cachedConn) Ping(ctx context.Context) error         { return c.base().Ping(ctx) }
func (c *cachedConn) ResetSession(ctx context.Context) error { return c.base().ResetSession(ctx) }
func (c *cachedConn) IsValid() bool                          { return c.base().IsValid() }
