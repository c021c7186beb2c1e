// Package clients checks that clients generated from api/openapi.json by
// third-party generators compile and work against the real server: ogen and
// oapi-codegen (Go, generated into ogenclient/ and oapiclient/) and
// openapi-typescript with openapi-fetch (TypeScript, compiled by tsc into
// tools/npm/clients/out/). scripts/openapi-clients.sh generates them, builds
// the hotel binary and runs this test; the generated code is not committed,
// so a change to the document that a generator refuses, or that makes its
// client stop compiling or stop talking to the server, fails the suite.
package clients

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	openapi_types "github.com/oapi-codegen/runtime/types"
	"github.com/ogen-go/ogen/ogenerrors"

	"hotel.example/tools/clients/oapiclient"
	"hotel.example/tools/clients/ogenclient"
)

// adminKey is a throwaway key of the server this test starts.
var adminKey = strings.Repeat("client-test-", 4) // gitleaks:allow

// server starts the hotel binary all-in-one on a fresh SQLite file (which
// loads the sample hotels) on a port of its choosing, and returns its base
// URL once its log says where it listens (as cmd/hotel's end-to-end tests
// wait for it).
func server(t *testing.T) string {
	t.Helper()
	bin := os.Getenv("HOTEL_CLIENTS_BIN")
	if bin == "" {
		t.Fatal("HOTEL_CLIENTS_BIN names no hotel binary; run scripts/openapi-clients.sh")
	}
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(),
		"HOTEL_ADDR=127.0.0.1:0", "HOTEL_DATA_DIR="+t.TempDir(), "HOTEL_ADMIN_KEY="+adminKey, "DATABASE_URL=")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var logs strings.Builder // read by the cleanup once the process is gone
	listening := make(chan string, 1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		lines := bufio.NewScanner(out)
		for lines.Scan() {
			logs.Write(lines.Bytes())
			logs.WriteByte('\n')
			var rec struct{ Msg, Addr string }
			if json.Unmarshal(lines.Bytes(), &rec) == nil && rec.Msg == "listening" {
				listening <- rec.Addr
			}
		}
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		<-done
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("server log:\n%s", logs.String())
		}
	})
	select {
	case addr := <-listening:
		return "http://" + addr
	case <-done:
		t.Fatal("the server exited before listening")
	case <-time.After(30 * time.Second):
		t.Fatal("the server did not listen within 30 s")
	}
	return ""
}

// stay is a two-night stay a few days ahead, when the sample hotels have rooms.
func stay() (checkIn, checkOut time.Time) {
	d := time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, 5)
	return d, d.AddDate(0, 0, 2)
}

// security gives the ogen client the credentials it holds; an empty one is
// not sent (the public operations declare apiKey and bookingToken optional).
type security struct{ apiKey, bookingToken string }

func (s security) ApiKey(context.Context, ogenclient.OperationName) (ogenclient.ApiKey, error) {
	if s.apiKey == "" {
		return ogenclient.ApiKey{}, ogenerrors.ErrSkipClientSecurity
	}
	return ogenclient.ApiKey{Token: s.apiKey}, nil
}

func (s security) BookingToken(context.Context, ogenclient.OperationName) (ogenclient.BookingToken, error) {
	if s.bookingToken == "" {
		return ogenclient.BookingToken{}, ogenerrors.ErrSkipClientSecurity
	}
	return ogenclient.BookingToken{Token: s.bookingToken}, nil
}

func (s security) ServiceCredential(context.Context, ogenclient.OperationName) (ogenclient.ServiceCredential, error) {
	return ogenclient.ServiceCredential{}, ogenerrors.ErrSkipClientSecurity
}

// SessionCookie: the console's session is a browser's, not these clients'.
func (s security) SessionCookie(context.Context, ogenclient.OperationName) (ogenclient.SessionCookie, error) {
	return ogenclient.SessionCookie{}, ogenerrors.ErrSkipClientSecurity
}

func TestGeneratedClients(t *testing.T) {
	base := server(t)
	ctx := context.Background()
	in, out := stay()

	var bookingID uuid.UUID
	var token string
	t.Run("ogen", func(t *testing.T) {
		anon, err := ogenclient.NewClient(base, security{})
		if err != nil {
			t.Fatal(err)
		}
		res, err := anon.Search(ctx, ogenclient.SearchParams{
			Location: ogenclient.NewOptString("London"),
			CheckIn:  ogenclient.Date(in), CheckOut: ogenclient.Date(out),
		})
		if err != nil {
			t.Fatal(err)
		}
		found, ok := res.(*ogenclient.SearchResultHeaders)
		if !ok || len(found.Response.Offers) == 0 {
			t.Fatalf("search: %#v", res)
		}
		offer := found.Response.Offers[0]

		created, err := anon.CreateBooking(ctx, &ogenclient.NewBooking{
			GuestName: "Ada Client", HotelID: offer.HotelID, RoomType: ogenclient.NewOptString(offer.RoomType),
			ArrivalDate: ogenclient.Date(in), StayLength: 2, Adults: ogenclient.NewOptInt(1),
		}, ogenclient.CreateBookingParams{IdempotencyKey: ogenclient.NewOptString(uuid.NewString())})
		if err != nil {
			t.Fatal(err)
		}
		b, ok := created.(*ogenclient.BookingHeaders)
		if !ok || !b.Response.AccessToken.Set || b.ETag != `W/"1"` {
			t.Fatalf("create: %#v", created)
		}
		bookingID, token = uuid.UUID(b.Response.BookingID), b.Response.AccessToken.Value

		// The booking token is sent when the client holds one.
		holder, err := ogenclient.NewClient(base, security{bookingToken: token})
		if err != nil {
			t.Fatal(err)
		}
		got, err := holder.GetBooking(ctx, ogenclient.GetBookingParams{BookingID: b.Response.BookingID})
		if err != nil {
			t.Fatal(err)
		}
		if g, ok := got.(*ogenclient.GetBookingOKHeaders); !ok || g.Response.TotalPrice != b.Response.TotalPrice {
			t.Fatalf("get with the booking token: %#v", got)
		}
		// Without a credential the client does not even ask: the operation
		// declares that it needs one.
		if got, err := anon.GetBooking(ctx, ogenclient.GetBookingParams{BookingID: b.Response.BookingID}); err == nil {
			t.Fatalf("an anonymous client asked for a booking: %#v", got)
		}

		// An admin key on an operation that needs one.
		admin, err := ogenclient.NewClient(base, security{apiKey: adminKey})
		if err != nil {
			t.Fatal(err)
		}
		hotels, err := admin.ListHotels(ctx, ogenclient.ListHotelsParams{})
		if err != nil {
			t.Fatal(err)
		}
		if h, ok := hotels.(*ogenclient.ListHotelsOKHeaders); !ok || len(h.Response) == 0 {
			t.Fatalf("list hotels: %#v", hotels)
		}
	})
	if bookingID == uuid.Nil {
		t.Fatal("no booking to read with the other clients")
	}

	t.Run("oapi-codegen", func(t *testing.T) {
		c, err := oapiclient.NewClientWithResponses(base)
		if err != nil {
			t.Fatal(err)
		}
		london := "London"
		found, err := c.SearchWithResponse(ctx, &oapiclient.SearchParams{
			Location: &london,
			CheckIn:  openapi_types.Date{Time: in}, CheckOut: openapi_types.Date{Time: out},
		})
		if err != nil {
			t.Fatal(err)
		}
		if found.JSON200 == nil || len(found.JSON200.Offers) == 0 {
			t.Fatalf("search: %d %s", found.StatusCode(), found.Body)
		}
		bearer := func(_ context.Context, r *http.Request) error {
			r.Header.Set("Authorization", "Bearer "+token)
			return nil
		}
		got, err := c.GetBookingWithResponse(ctx, bookingID, bearer)
		if err != nil {
			t.Fatal(err)
		}
		if got.JSON200 == nil || got.JSON200.BookingId != bookingID {
			t.Fatalf("get: %d %s", got.StatusCode(), got.Body)
		}
	})

	t.Run("openapi-typescript", func(t *testing.T) {
		script := os.Getenv("HOTEL_CLIENTS_TS")
		if script == "" {
			t.Fatal("HOTEL_CLIENTS_TS names no compiled TypeScript client; run scripts/openapi-clients.sh")
		}
		cmd := exec.Command("node", script)
		cmd.Env = append(os.Environ(), "HOTEL_URL="+base, "BOOKING_ID="+bookingID.String(), "BOOKING_TOKEN="+token,
			"CHECK_IN="+in.Format(time.DateOnly), "CHECK_OUT="+out.Format(time.DateOnly))
		outb, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("node %s: %v\n%s", script, err, outb)
		}
		if !strings.Contains(string(outb), "ok") {
			t.Fatalf("the TypeScript client said: %s", outb)
		}
		t.Log(strings.TrimSpace(string(outb)))
	})
}
