package api

import (
	_ "embed"
	"net/http"
)

// openAPIDoc is the OpenAPI 3.1 description of this API, written by hand so it reads as
// documentation; a test checks it is valid and matches the route table, and that the answers
// of the test scenarios conform to it.
//
//go:embed openapi.json
var openAPIDoc []byte

// openAPI answers GET /api/v1/openapi.json. It is public: it describes the API, it holds no data.
func (s *server) openAPI(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-cache") // revalidate: the document changes with upgrades
	w.Write(openAPIDoc)                         // a failed write is a caller gone: there is no one left to tell
	return nil
}
