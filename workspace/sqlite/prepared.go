package sqlite

import (
	"context"
	"database/sql"
	"sync"
)

// preparedReads keeps the statements of the hottest reads prepared, once
// per reader connection, instead of parsing their SQL on every call: the
// websocket reads the session of a connection for every message it sends,
// and parsing was a third of that read's time.
type preparedReads struct {
	mu    sync.Mutex
	stmts map[string]*sql.Stmt
}

// prepared returns the statement for query on the reader pool, preparing
// it the first time. database/sql prepares it again, by itself, on each
// reader connection that runs it for the first time.
func (db *DB) prepared(ctx context.Context, query string) (*sql.Stmt, error) {
	p := &db.preparedReads
	p.mu.Lock()
	defer p.mu.Unlock()
	if stmt, ok := p.stmts[query]; ok {
		return stmt, nil
	}
	stmt, err := db.read.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if p.stmts == nil {
		p.stmts = map[string]*sql.Stmt{}
	}
	p.stmts[query] = stmt
	return stmt, nil
}

// closePrepared closes the statements prepared so far.
func (db *DB) closePrepared() error {
	p := &db.preparedReads
	p.mu.Lock()
	defer p.mu.Unlock()
	var first error
	for query, stmt := range p.stmts {
		if err := stmt.Close(); err != nil && first == nil {
			first = err
		}
		delete(p.stmts, query)
	}
	return first
}
