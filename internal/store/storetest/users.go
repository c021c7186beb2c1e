package storetest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
)

func testUsers(t *testing.T, h Harness) {
	ctx := context.Background()
	s := migrated(t, h)
	//nolint:gosec // a placeholder the store keeps as it is, no credential
	u := hotel.User{Email: "desk@hotel.example", Role: hotel.RoleFrontDesk, HotelIDs: []int64{2}, PasswordHash: "$argon2id$x"}
	if err := s.CreateUser(ctx, &u); err != nil || u.ID == 0 || u.CreatedAt.IsZero() || !slices.Equal(u.HotelIDs, []int64{2}) {
		t.Fatalf("CreateUser = %v, %+v", err, u)
	}
	dup := hotel.User{Email: "desk@hotel.example", Role: hotel.RoleAdmin, PasswordHash: "x"}
	if err := s.CreateUser(ctx, &dup); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("duplicate email = %v, want ErrConflict", err)
	}
	got, err := s.UserByEmail(ctx, "desk@hotel.example")
	if err != nil || got.ID != u.ID || got.Role != hotel.RoleFrontDesk || got.PasswordHash != "$argon2id$x" || got.Disabled ||
		got.LastSignInAt != nil || !got.LockedUntil.IsZero() {
		t.Fatalf("UserByEmail = %v, %+v", err, got)
	}
	if _, err := s.GetUser(ctx, u.ID+100); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown user = %v", err)
	}

	// Failed sign-ins count up and lock at the threshold; a good one clears them.
	t0 := time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)
	for i := 1; i <= 3; i++ {
		n, err := s.SignInFailed(ctx, u.ID, 3, t0.Add(15*time.Minute))
		if err != nil || n != i {
			t.Fatalf("SignInFailed #%d = %d, %v", i, n, err)
		}
		got, _ := s.GetUser(ctx, u.ID)
		if locked := !got.LockedUntil.IsZero(); locked != (i == 3) {
			t.Fatalf("after %d failures locked until %v", i, got.LockedUntil)
		}
	}
	if err := s.SignInSucceeded(ctx, u.ID, t0); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.GetUser(ctx, u.ID); got.FailedAttempts != 0 || !got.LockedUntil.IsZero() || got.LastSignInAt == nil || !got.LastSignInAt.Equal(t0) {
		t.Fatalf("after a good sign-in: %+v", got)
	}

	// Updates.
	u.Role, u.HotelIDs, u.Disabled, u.PasswordHash = hotel.RoleRevenue, []int64{}, true, "$argon2id$y"
	if err := s.UpdateUser(ctx, &u); err != nil || u.Role != hotel.RoleRevenue || !u.Disabled || len(u.HotelIDs) != 0 {
		t.Fatalf("UpdateUser = %v, %+v", err, u)
	}
	if users, err := s.ListUsers(ctx); err != nil || len(users) != 1 || users[0].PasswordHash != "$argon2id$y" {
		t.Fatalf("ListUsers = %v, %+v", err, users)
	}
	missing := hotel.User{ID: u.ID + 100, Role: hotel.RoleAdmin}
	if err := s.UpdateUser(ctx, &missing); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("UpdateUser(unknown) = %v", err)
	}

	// Sessions: read with their user, touched at most once a minute, revoked.
	h1, h2 := sha256.Sum256([]byte("one")), sha256.Sum256([]byte("two"))
	for _, hash := range [][]byte{h1[:], h2[:]} {
		if err := s.CreateSession(ctx, hotel.Session{Hash: hash, UserID: u.ID, CreatedAt: t0, ExpiresAt: t0.Add(8 * time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	ss, su, err := s.SessionUser(ctx, h1[:])
	if err != nil || !bytes.Equal(ss.Hash, h1[:]) || ss.UserID != u.ID || su.Email != u.Email || ss.Revoked ||
		!ss.LastSeenAt.Equal(t0) || !ss.ExpiresAt.Equal(t0.Add(8*time.Hour)) {
		t.Fatalf("SessionUser = %v, %+v, %+v", err, ss, su)
	}
	if _, _, err := s.SessionUser(ctx, []byte("nosuchsessionnosuchsessionnosuch")); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown session = %v", err)
	}
	for _, at := range []time.Time{t0.Add(30 * time.Second), t0.Add(2 * time.Minute)} {
		if err := s.TouchSession(ctx, h1[:], at); err != nil {
			t.Fatal(err)
		}
	}
	if ss, _, _ := s.SessionUser(ctx, h1[:]); !ss.LastSeenAt.Equal(t0.Add(2 * time.Minute)) {
		t.Fatalf("last seen = %v", ss.LastSeenAt)
	}
	if err := s.RevokeSession(ctx, h1[:], t0); err != nil {
		t.Fatal(err)
	}
	if ss, _, _ := s.SessionUser(ctx, h1[:]); !ss.Revoked {
		t.Fatal("revoked session reads as active")
	}
	if n, err := s.RevokeUserSessions(ctx, u.ID, t0); err != nil || n != 1 {
		t.Fatalf("RevokeUserSessions = %d, %v (one left active)", n, err)
	}
	if n, err := s.PruneSessions(ctx, t0.Add(9*time.Hour), 10); err != nil || n != 2 {
		t.Fatalf("PruneSessions = %d, %v", n, err)
	}
}
