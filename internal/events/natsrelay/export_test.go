package natsrelay

// SetCursor sets the relay's view of the stream: the event id of its last
// message and its last sequence, as a stale replica's would be.
func (r *Relay) SetCursor(pos int64, seq uint64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.pos, r.seq, r.synced = pos, seq, true
}

// Cursor returns the relay's view of the stream, and whether it has one.
func (r *Relay) Cursor() (pos int64, seq uint64, synced bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.pos, r.seq, r.synced
}
