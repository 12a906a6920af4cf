package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"majordome/internal/api"
	"majordome/internal/article"
	"majordome/internal/audit"
	"majordome/internal/auth"
	"majordome/internal/checklist"
	"majordome/internal/db"
	"majordome/internal/i18n"
	"majordome/internal/jobs"
	"majordome/internal/notify"
	"majordome/internal/people"
	"majordome/internal/request"
	"majordome/internal/search"
	"majordome/internal/settings"
	"majordome/internal/testutil"
	"majordome/internal/valid"
)

// env is the API on a fresh database behind httptest, with the OpenAPI document every answer
// is checked against.
type env struct {
	t          *testing.T
	URL        string
	Audit      *audit.Log
	Auth       *auth.Service
	People     *people.Directory
	Requests   *request.Desk
	Checklists *checklist.Service
	Articles   *article.Service
	Notify     *notify.Service
	Settings   *settings.Store
	router     routers.Router
}

// loadDoc reads and validates openapi.json once for the whole test binary.
var loadDoc = sync.OnceValues(func() (*openapi3.T, error) {
	// kin-openapi checks no "email" format unless told how: use Majordome's own definition, so
	// the document's email fields mean what the domain accepts.
	openapi3.DefineStringFormatCallback("email", func(s string) error {
		if !valid.IsEmail(s) {
			return errors.New("not an email address")
		}
		return nil
	})
	b, err := os.ReadFile("openapi.json")
	if err != nil {
		return nil, err
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(b)
	if err != nil {
		return nil, err
	}
	return doc, doc.Validate(loader.Context)
})

func newEnv(t *testing.T, d *db.DB) *env {
	t.Helper()
	doc, err := loadDoc()
	if err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	log := audit.New(d)
	e := &env{t: t, Audit: log, Auth: auth.New(d, log), People: people.New(d, log), Requests: request.New(d, log).WithSearch(search.New(d)), router: router}
	if err := e.Requests.EnsureDefaultCategories(context.Background()); err != nil {
		t.Fatal(err)
	}
	e.Checklists = checklist.New(checklist.Deps{DB: d, Audit: log, People: e.People,
		Hours: checklist.HoursOf(e.Requests.SiteHoursOf)})
	e.Articles = article.New(d, log).WithSearch(search.New(d))
	// The queue is not run: what the API does is in the inbox at once.
	e.Notify = notify.New(d, jobs.New(d, testutil.Quiet, jobs.Options{}), cat, testutil.Quiet)
	e.Requests.WithNotify(e.Notify)
	e.Settings = settings.New(d, log)
	srv := httptest.NewServer(api.New(api.Deps{Log: testutil.Quiet, Auth: e.Auth, People: e.People, Audit: log, I18n: cat,
		Requests: e.Requests, Checklists: e.Checklists, Articles: e.Articles, Notify: e.Notify, Settings: e.Settings}))
	t.Cleanup(srv.Close)
	e.URL = srv.URL
	return e
}

// token creates an API token with role and returns its secret.
func (e *env) token(role auth.Role, name string) string {
	e.t.Helper()
	_, secret, err := e.Auth.CreateToken(context.Background(), name, role, 0)
	if err != nil {
		e.t.Fatal(err)
	}
	return secret
}

// count is how many people the directory holds, active or not.
func (e *env) count() int {
	e.t.Helper()
	n, err := e.People.Count(context.Background(), people.ListParams{})
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

// call is one request of a scenario.
type call struct {
	method, path string
	token        string
	body         any    // marshalled to JSON, or sent as is when a string
	contentType  string // application/json by default when there is a body
	lang         string // Accept-Language
	// docRejects says the request is wrong on purpose in a way the OpenAPI document itself
	// forbids (an unknown field, a limit of 500…): the validator must then refuse it too, which
	// shows the document is as strict as the server.
	docRejects bool
}

// reply is a read response.
type reply struct {
	Status int
	Header http.Header
	Body   []byte
}

// do sends c and checks the exchange against the OpenAPI document: the request must conform
// (or not, as docRejects says) and the response must always conform, status included.
func (e *env) do(c call) reply {
	e.t.Helper()
	var body []byte
	switch b := c.body.(type) {
	case nil:
	case string:
		body = []byte(b)
	default:
		var err error
		if body, err = json.Marshal(b); err != nil {
			e.t.Fatal(err)
		}
	}
	newReq := func() *http.Request {
		req, err := http.NewRequest(c.method, e.URL+c.path, bytes.NewReader(body))
		if err != nil {
			e.t.Fatal(err)
		}
		if body != nil {
			ct := c.contentType
			if ct == "" {
				ct = "application/json"
			}
			req.Header.Set("Content-Type", ct)
		}
		if c.token != "" {
			req.Header.Set("Authorization", "Bearer "+c.token)
		}
		if c.lang != "" {
			req.Header.Set("Accept-Language", c.lang)
		}
		return req
	}
	res, err := http.DefaultClient.Do(newReq())
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	r := reply{Status: res.StatusCode, Header: res.Header, Body: b}
	e.conform(c, newReq(), body, r)
	return r
}

// conform validates the exchange with kin-openapi. Paths and methods the document does not
// have (the 404 and 405 tests) have nothing to be checked against.
func (e *env) conform(c call, req *http.Request, body []byte, r reply) {
	e.t.Helper()
	route, params, err := e.router.FindRoute(req)
	if errors.Is(err, routers.ErrPathNotFound) || errors.Is(err, routers.ErrMethodNotAllowed) {
		if r.Status != http.StatusNotFound && r.Status != http.StatusMethodNotAllowed {
			e.t.Errorf("%s %s answered %d but is not in openapi.json", c.method, c.path, r.Status)
		}
		return
	}
	if err != nil {
		e.t.Fatalf("find route of %s %s: %v", c.method, c.path, err)
	}
	ctx := context.Background()
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: bearerPresent, IncludeResponseStatus: true, MultiError: true}}
	err = openapi3filter.ValidateRequest(ctx, in)
	switch {
	case c.docRejects && err == nil:
		e.t.Errorf("%s %s: openapi.json accepts this request, which the test sends as invalid: %.200s", c.method, c.path, body)
	case !c.docRejects && err != nil:
		e.t.Errorf("%s %s: request does not conform to openapi.json: %v", c.method, c.path, err)
	}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: r.Status,
		Header: r.Header, Options: in.Options}
	out.SetBodyBytes(r.Body)
	if err := openapi3filter.ValidateResponse(ctx, out); err != nil {
		e.t.Errorf("%s %s: %d response does not conform to openapi.json: %v\n%s", c.method, c.path, r.Status, err, r.Body)
	}
}

// bearerPresent is the document's security check: a Bearer token must be sent. Whether it is
// a live one is the server's business.
func bearerPresent(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	if !strings.HasPrefix(in.RequestValidationInput.Request.Header.Get("Authorization"), "Bearer ") {
		return errors.New("no bearer token")
	}
	return nil
}

// decode reads the reply's JSON body into v.
func (r reply) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
}

// personJSON is a person as the API shows it, for reading replies.
type personJSON struct {
	ID           int64   `json:"id"`
	FirstName    string  `json:"first_name"`
	LastName     string  `json:"last_name"`
	Email        string  `json:"email"`
	Team         *string `json:"team"`
	Site         *string `json:"site"`
	ManagerEmail *string `json:"manager_email"`
	StartDate    *string `json:"start_date"`
	EndDate      *string `json:"end_date"`
	Language     string  `json:"language"`
	Active       bool    `json:"active"`
	CreatedAt    string  `json:"created_at"`
	UpdatedAt    string  `json:"updated_at"`
}

// problem is a problem+json body.
type problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
	Errors []struct {
		Field, Code, Message string
	} `json:"errors"`
}

// problemOf checks that r is a problem+json of status and returns it.
func problemOf(t *testing.T, r reply, status int) problem {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d: %s", r.Status, status, r.Body)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("Content-Type %q, want application/problem+json", ct)
	}
	var p problem
	r.decode(t, &p)
	if p.Status != status || p.Title == "" || p.Type == "" {
		t.Fatalf("incomplete problem: %s", r.Body)
	}
	return p
}

// fieldCode returns the code the problem gives field, "" when it does not name it.
func (p problem) fieldCode(field string) string {
	for _, fe := range p.Errors {
		if fe.Field == field {
			return fe.Code
		}
	}
	return ""
}

// message returns the message the problem gives field.
func (p problem) message(field string) string {
	for _, fe := range p.Errors {
		if fe.Field == field {
			return fe.Message
		}
	}
	return ""
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func deref(s *string) string {
	if s == nil {
		return "<null>"
	}
	return *s
}
