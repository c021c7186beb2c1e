package postgres

import "iter"

// iter2 turns a push sequence into a pull function, as COPY pulls rows; a nil
// sequence yields nothing.
func iter2[T any](seq iter.Seq[T]) (func() (T, bool), func()) {
	if seq == nil {
		return func() (T, bool) { var z T; return z, false }, func() {}
	}
	return iter.Pull(seq)
}
