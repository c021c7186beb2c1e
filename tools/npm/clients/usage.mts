// A client of the hotel API in TypeScript: types generated from
// api/openapi.json by openapi-typescript (schema.d.ts, not committed) and
// openapi-fetch. scripts/openapi-clients.sh compiles it with tsc --strict
// and tools/clients' test runs it against a real server, which sets the
// environment below. It prints "ok" when every answer was the expected one.
import createClient from "openapi-fetch";
import type { paths } from "./schema.js";

const env = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
};

const client = createClient<paths>({ baseUrl: env("HOTEL_URL") });

const search = await client.GET("/inventory/search", {
  params: { query: { location: "London", check_in: env("CHECK_IN"), check_out: env("CHECK_OUT") } },
});
const offer = search.data?.offers[0];
if (!offer) throw new Error(`search: ${search.response.status} ${JSON.stringify(search.error)}`);
const total: string = offer.total_price;

const got = await client.GET("/bookings/{booking_id}", {
  params: { path: { booking_id: env("BOOKING_ID") } },
  headers: { Authorization: `Bearer ${env("BOOKING_TOKEN")}` },
});
if (!got.data) throw new Error(`get: ${got.response.status} ${JSON.stringify(got.error)}`);
const etag = got.response.headers.get("ETag");

// A refused change answers problem+json that the types describe.
const refused = await client.POST("/bookings", {
  body: { guest_name: "", hotel_id: offer.hotel_id, room_type: offer.room_type, arrival_date: env("CHECK_IN"), stay_length: 1, adults: 1 },
  headers: { "Idempotency-Key": crypto.randomUUID() },
});
if (refused.response.status !== 400 || !refused.error) throw new Error(`create with no name: ${refused.response.status}`);

console.log(`ok: offer ${offer.hotel_name} ${total}, booking ${got.data.confirmation_code} ${etag}, refused: ${refused.error.code}`);
