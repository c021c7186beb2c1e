package main

import (
	"net/http"

	"github.com/hotelplatform/hotel/api/apitest"
)

// Every response the tests of this package receive through
// http.DefaultClient — http.Get and http.DefaultClient.Do, which is what
// the end-to-end tests use — is validated against api/openapi.json: status,
// Content-Type, declared headers and body schema. A response that does not
// match reaches the test as an error of the request, naming what is wrong
// (*apitest.Violation); every helper of the end-to-end tests fails its test
// on a request error (t.Fatalf), so a mismatch fails the test that caused
// it, in the subtest that caused it, whatever runs in parallel.
//
// Requests outside the document are held to the answer the platform gives
// them: a problem+json 404 (405 for a documented path called with another
// method); any other answer to an undocumented path is a violation.
// /booking/{path} is checked as /{path}; /metrics (the admin listener) is
// not checked. Clients with their own transport (the benchmark's) are not
// affected.
func init() {
	t, err := apitest.NewTransport(http.DefaultTransport)
	if err != nil {
		panic(err) // the document itself is broken: no test can be trusted
	}
	http.DefaultClient.Transport = t
}
