package e2e

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"majordome/internal/testutil"
)

// TestTwoInstancesShareOnePostgreSQL runs Majordome as it is deployed behind a load balancer:
// two instances on one database, started at the same moment. Everything that must be shared
// lives in the database (STYLE.md, habit 13), so what one instance does, the other sees.
func TestTwoInstancesShareOnePostgreSQL(t *testing.T) {
	dsn := testutil.PostgresEmptyDSN(t)
	settings := func() map[string]string {
		return map[string]string{"MAJORDOME_DB": dsn, "MAJORDOME_DATA": t.TempDir(), "MAJORDOME_ADDR": "127.0.0.1:0"}
	}
	// Both start together on an empty schema: both try to migrate (the migration lock makes
	// them take turns) and to create the first admin (the unique email settles it).
	a, b := launch(t, settings()), launch(t, settings())
	a.wait()
	b.wait()
	if a.URL == b.URL {
		t.Fatalf("both instances on %s", a.URL)
	}

	migrated := 0
	for _, in := range []*instance{a, b} {
		if strings.Contains(in.stderr.String(), "migration applied") {
			migrated++
		}
	}
	if migrated != 1 {
		t.Errorf("%d instances applied migrations, want exactly 1 (the other waits for the lock and finds nothing to do)", migrated)
	}

	linkA, linkB := signInLink(a.stdout.String()), signInLink(b.stdout.String())
	if (linkA == "") == (linkB == "") {
		t.Fatalf("want exactly one first-start link:\nA printed:\n%s\nB printed:\n%s", a.stdout.String(), b.stdout.String())
	}

	// A person created through A's API, with a token made on the command line…
	token := lastLine(a.run("token", "create", "--role", "agent", "--name", "synchro SIRH"))
	body := `{"first_name":"Zoé","last_name":"Thomas","email":"zoe.thomas@sentier.co","team":"Ventes","site":"Lyon - Part-Dieu","start_date":"02/05/2022"}`
	var created struct {
		ID        int64  `json:"id"`
		FirstName string `json:"first_name"`
	}
	if status := callAPI(t, "POST", a.URL+"/api/v1/people", token, body, &created); status != http.StatusCreated {
		t.Fatalf("POST /api/v1/people on A: %d", status)
	}

	// …is there for B at once: through B's API with the same token…
	var got struct {
		FirstName string  `json:"first_name"`
		Team      *string `json:"team"`
		StartDate *string `json:"start_date"`
	}
	if status := callAPI(t, "GET", fmt.Sprintf("%s/api/v1/people/%d", b.URL, created.ID), token, "", &got); status != http.StatusOK {
		t.Fatalf("GET the person on B: %d", status)
	}
	if got.FirstName != "Zoé" || got.Team == nil || *got.Team != "Ventes" || got.StartDate == nil || *got.StartDate != "2022-05-02" {
		t.Fatalf("B sees %+v", got)
	}

	// A session opened on A works on B: sessions live in the database, not in A's memory.
	link := linkA + linkB
	prefix := a.URL
	if linkB != "" {
		prefix = b.URL
	}
	resp, err := noRedirects().Get(a.URL + strings.TrimPrefix(link, prefix))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var session *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == "majordome_session" && c.Value != "" {
			session = c
		}
	}
	if resp.StatusCode != http.StatusSeeOther || session == nil {
		t.Fatalf("first-start link opened on A: %s, cookie %v", resp.Status, session)
	}
	req, _ := http.NewRequest("GET", b.URL+"/people", nil)
	req.AddCookie(session)
	resp, err = noRedirects().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(page), "Zoé") {
		t.Fatalf("B's /people with A's session: %s (want 200 listing Zoé)\n%.2000s", resp.Status, page)
	}
	// And B's sign-in state is the same: the one-time link, used on A, is dead on B too.
	resp, err = noRedirects().Get(b.URL + strings.TrimPrefix(link, prefix))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusGone {
		t.Fatalf("the used link on B: %s, want 410", resp.Status)
	}
}

// callAPI sends a JSON request with an API token and decodes a JSON answer into out.
func callAPI(t *testing.T, method, url, token, body string, out any) int {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := noRedirects().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode < 300 {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("%s %s: %v in %s", method, url, err, raw)
		}
	} else {
		t.Logf("%s %s: %s %s", method, url, resp.Status, raw)
	}
	return resp.StatusCode
}
