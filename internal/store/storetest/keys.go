package storetest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/store"
)

func testAPIKeys(t *testing.T, h Harness) {
	ctx := context.Background()
	s := migrated(t, h)
	hash := sha256.Sum256([]byte("hk_abcdefgh_secret"))
	k := hotel.APIKey{Name: "frontdesk", Prefix: "abcdefgh", Hash: hash[:], Scopes: []string{hotel.ScopeBookingsRead, hotel.ScopeGuestsRead},
		HotelIDs: []int64{3, 1}}
	if err := s.CreateAPIKey(ctx, &k); err != nil || k.ID == 0 || k.CreatedAt.IsZero() {
		t.Fatalf("CreateAPIKey = %v, id %d", err, k.ID)
	}
	got, err := s.APIKeyByPrefix(ctx, "abcdefgh")
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != k.ID || got.Name != "frontdesk" || !bytes.Equal(got.Hash, hash[:]) || len(got.Scopes) != 2 ||
		got.Scopes[0] != hotel.ScopeBookingsRead || !slices.Equal(got.HotelIDs, []int64{3, 1}) || got.Revoked || !got.LastUsedAt.IsZero() || !got.CreatedAt.Equal(k.CreatedAt) {
		t.Fatalf("stored key = %+v, created %+v", got, k)
	}
	if _, err := s.APIKeyByPrefix(ctx, "nosuchkey"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown prefix = %v", err)
	}
	// Names are unique among active keys.
	dup := hotel.APIKey{Name: "frontdesk", Prefix: "zzzzzzzz", Hash: hash[:], Scopes: []string{hotel.ScopeAdmin}}
	if err := s.CreateAPIKey(ctx, &dup); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("duplicate active name = %v, want ErrConflict", err)
	}
	// Last use is recorded, at most once a minute.
	t0 := time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)
	for _, at := range []time.Time{t0, t0.Add(30 * time.Second)} {
		if err := s.TouchAPIKey(ctx, k.ID, at); err != nil {
			t.Fatal(err)
		}
	}
	if got, _ := s.APIKeyByPrefix(ctx, "abcdefgh"); !got.LastUsedAt.Equal(t0) {
		t.Fatalf("last used = %v, want %v (throttled)", got.LastUsedAt, t0)
	}
	if err := s.TouchAPIKey(ctx, k.ID, t0.Add(2*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.APIKeyByPrefix(ctx, "abcdefgh"); !got.LastUsedAt.Equal(t0.Add(2 * time.Minute)) {
		t.Fatalf("last used = %v after a later use", got.LastUsedAt)
	}
	// Revoking: once; the name is then free again.
	if err := s.RevokeAPIKey(ctx, "frontdesk", t0); err != nil {
		t.Fatal(err)
	}
	if err := s.RevokeAPIKey(ctx, "frontdesk", t0); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("second revoke = %v, want ErrNotFound", err)
	}
	if got, _ := s.APIKeyByPrefix(ctx, "abcdefgh"); !got.Revoked {
		t.Fatal("revoked key not reported revoked")
	}
	if err := s.CreateAPIKey(ctx, &dup); err != nil {
		t.Fatalf("reusing a revoked key's name: %v", err)
	}
	keys, err := s.ListAPIKeys(ctx)
	if err != nil || len(keys) != 2 || keys[0].Name != "frontdesk" || !keys[0].Revoked || keys[1].Revoked {
		t.Fatalf("ListAPIKeys = %+v, %v", keys, err)
	}
	// Concurrent creations of one name: exactly one wins.
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins := 0
	for i := range 6 {
		wg.Go(func() {
			hh := sha256.Sum256([]byte{byte(i)})
			k := hotel.APIKey{Name: "race", Prefix: "race000" + string(rune('a'+i)), Hash: hh[:], Scopes: []string{hotel.ScopeAdmin}}
			err := s.CreateAPIKey(ctx, &k)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				wins++
			case !errors.Is(err, store.ErrConflict):
				t.Errorf("concurrent create: %v", err)
			}
		})
	}
	wg.Wait()
	if wins != 1 {
		t.Fatalf("%d concurrent creators of one name won, want 1", wins)
	}
	if _, err := s.BookingAccessHash(ctx, "00000000-0000-0000-0000-00000000dead"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("BookingAccessHash(unknown) = %v", err)
	}
	if _, err := s.BookingAccessHash(ctx, "not-a-uuid"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("BookingAccessHash(malformed) = %v", err)
	}
}
