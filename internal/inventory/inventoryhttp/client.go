package inventoryhttp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/hotelplatform/hotel"
	"github.com/hotelplatform/hotel/internal/web"
)

// Client is hotel.InventoryService over HTTP.
type Client struct {
	base       *url.URL
	hc         *http.Client
	serviceKey string
}

var _ hotel.InventoryService = (*Client)(nil)

// NewClient returns a client of the inventory service at baseURL that
// authenticates with serviceKey (the platform's service credential).
func NewClient(baseURL string, hc *http.Client, serviceKey string) (*Client, error) {
	u, err := url.Parse(strings.TrimRight(baseURL, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("inventory URL %q must be an absolute http(s) URL such as http://inventory:8080", baseURL)
	}
	return &Client{base: u, hc: hc, serviceKey: serviceKey}, nil
}

// get performs a GET and decodes a 2xx JSON body into out.
func (c *Client) get(ctx context.Context, path string, q url.Values, out any) (http.Header, error) {
	h, _, err := c.do(ctx, http.MethodGet, path, q, nil, nil, out)
	return h, err
}

// do sends a request with body (JSON, when not nil) and extra headers, and
// decodes a 2xx JSON answer into out. Non-2xx answers become the server's
// *hotel.Error (web.ReadProblem); a service that cannot be reached, or
// answers something unreadable, is EUNAVAILABLE.
func (c *Client) do(ctx context.Context, method, path string, q url.Values, hdr http.Header, body, out any) (http.Header, int, error) {
	u := *c.base
	u.Path += path
	u.RawQuery = q.Encode()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, 0, &hotel.Error{Code: hotel.EINTERNAL, Message: "internal error", Err: err}
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), rd)
	if err != nil {
		return nil, 0, &hotel.Error{Code: hotel.EINTERNAL, Message: "internal error", Err: err}
	}
	maps.Copy(req.Header, hdr)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.serviceKey != "" {
		req.Header.Set("Authorization", "Bearer "+c.serviceKey)
	}
	if id := web.RequestID(ctx); id != "" {
		req.Header.Set(web.RequestIDHeader, id)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return nil, 0, &hotel.Error{Code: hotel.EUNAVAILABLE, Message: "The request was cancelled.", Err: err}
		}
		return nil, 0, &hotel.Error{Code: hotel.EUNAVAILABLE, Message: "The inventory service is unavailable; try again shortly.", Err: err}
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return nil, resp.StatusCode, web.ReadProblem(resp)
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return nil, resp.StatusCode, &hotel.Error{Code: hotel.EUNAVAILABLE, Message: "The inventory service sent an unreadable answer.", Err: err}
	}
	return resp.Header, resp.StatusCode, nil
}

// GetHotel returns a hotel. Errors: ENOTFOUND, EUNAVAILABLE.
func (c *Client) GetHotel(ctx context.Context, id int64) (*hotel.Hotel, error) {
	if id <= 0 {
		return nil, hotelNotFound(id)
	}
	var h hotel.Hotel
	if _, err := c.get(ctx, "/inventory/hotels/"+strconv.FormatInt(id, 10), nil, &h); err != nil {
		return nil, err
	}
	return &h, nil
}

// ListInventory returns a page of inventory rows.
func (c *Client) ListInventory(ctx context.Context, f hotel.InventoryFilter) (*hotel.InventoryPage, error) {
	return c.page(ctx, "/inventory/", f, true)
}

// HotelInventory returns a page of one hotel's inventory.
func (c *Client) HotelInventory(ctx context.Context, hotelID int64, f hotel.InventoryFilter) (*hotel.InventoryPage, error) {
	if hotelID <= 0 {
		return nil, hotelNotFound(hotelID)
	}
	return c.page(ctx, "/inventory/"+strconv.FormatInt(hotelID, 10), f, false)
}

// hotelNotFound answers ids no hotel can have, as the in-process service
// does; the server would refuse them as malformed paths (400) instead.
func hotelNotFound(id int64) error {
	return hotel.Errorf(hotel.ENOTFOUND, "Hotel %d was not found.", id)
}

func (c *Client) page(ctx context.Context, path string, f hotel.InventoryFilter, withHotel bool) (*hotel.InventoryPage, error) {
	q := url.Values{}
	if withHotel && f.HotelID != 0 {
		q.Set("hotel_id", strconv.FormatInt(f.HotelID, 10))
	}
	set := func(k, v string) {
		if v != "" {
			q.Set(k, v)
		}
	}
	set("location", f.Location)
	set("room_type", f.RoomType)
	set("start_date", f.StartDate.String())
	set("end_date", f.EndDate.String())
	if f.Limit != 0 {
		q.Set("limit", strconv.Itoa(f.Limit))
	}
	if f.After != nil {
		q.Set("cursor", f.After.String())
	}
	var items []hotel.InventoryItem
	h, err := c.get(ctx, path, q, &items)
	if err != nil {
		return nil, err
	}
	return &hotel.InventoryPage{Items: items, Next: NextCursor(h.Get("Link"))}, nil
}

// NextCursor extracts the cursor of the rel="next" link of a Link header.
func NextCursor(link string) string {
	for part := range strings.SplitSeq(link, ",") {
		target, params, ok := strings.Cut(strings.TrimSpace(part), ";")
		if !ok || !strings.Contains(params, `rel="next"`) {
			continue
		}
		u, err := url.Parse(strings.Trim(strings.TrimSpace(target), "<>"))
		if err != nil {
			return ""
		}
		return u.Query().Get("cursor")
	}
	return ""
}
