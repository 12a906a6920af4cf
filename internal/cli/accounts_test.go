package cli

import (
	"context"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"majordome/internal/audit"
	"majordome/internal/auth"
	"majordome/internal/db"
)

// openAuth opens the shell's database the way another process would, to check what a command
// left in it.
func openAuth(t *testing.T, sh *shell) *auth.Service {
	t.Helper()
	d, err := db.Open(context.Background(), filepath.Join(sh.vars["MAJORDOME_DATA"], "majordome.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return auth.New(d, audit.New(d))
}

func TestTokenCreate(t *testing.T) {
	sh := newShell(t)
	r := sh.mustRun("token", "create", "--role", "agent", "--name", "paie")
	// Scripts take the last line: TOKEN=$(majordome token create … | tail -n 1).
	secret := lastLine(r.stdout)
	if !regexp.MustCompile(`^mjd_[A-Za-z0-9_-]{20,}$`).MatchString(secret) {
		t.Fatalf("last line %q is not a token alone; stdout:\n%s", secret, r.stdout)
	}
	tok, err := openAuth(t, sh).Authenticate(context.Background(), secret)
	if err != nil {
		t.Fatalf("the printed token does not authenticate: %v", err)
	}
	if tok.Role != auth.Agent || tok.Name != "paie" {
		t.Fatalf("token %+v, want role agent named paie", tok)
	}
	if _, err := openAuth(t, sh).Authenticate(context.Background(), secret+"x"); err == nil {
		t.Fatal("a wrong token authenticates")
	}
}

func TestTokenCreateRefusesBadInput(t *testing.T) {
	sh := newShell(t)
	sh.mustRun("migrate") // as after a first serve: stderr then holds the refusal only
	cases := []struct {
		args  []string
		names string
	}{
		{[]string{"--role", "chef", "--name", "paie"}, "--role"},
		{[]string{"--name", "paie"}, "--role"},
		{[]string{"--role", "agent"}, "--name"},
	}
	for _, c := range cases {
		r := sh.run(append([]string{"token", "create"}, c.args...)...)
		if r.code != 2 || !strings.Contains(r.stderr, c.names) || strings.Count(r.stderr, "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q; want 2 and one line naming %s", c.args, r.code, r.stderr, c.names)
		}
		if strings.Contains(r.stdout, "mjd_") {
			t.Errorf("%v: printed a token:\n%s", c.args, r.stdout)
		}
	}
	tokens, err := openAuth(t, sh).Tokens(context.Background())
	if err != nil || len(tokens) != 0 {
		t.Fatalf("refused commands left tokens: %v, %v", tokens, err)
	}
}

// TestUserCreateAndLink checks the links the command line prints open a session on the running
// server, as an admin would hand them to a colleague.
func TestUserCreateAndLink(t *testing.T) {
	sh := newShell(t)
	s := sh.serve()
	// Commands run beside the server with the same settings; the port was picked at start, so
	// the public URL is given explicitly, as behind a reverse proxy.
	cmd := sh.with("MAJORDOME_BASE_URL", s.URL)

	r := cmd.mustRun("user", "create", "--email", "jerome.durand@exemple.fr", "--name", "Jérôme Durand", "--role", "agent")
	if !strings.Contains(r.stdout, "Account created for Jérôme Durand (agent)") {
		t.Errorf("stdout:\n%s", r.stdout)
	}
	link := signInLink(t, r.stdout)
	if !strings.HasPrefix(link, s.URL+"/signin/link?token=") || lastLine(r.stdout) != link {
		t.Fatalf("want the link on the last line; stdout:\n%s", r.stdout)
	}
	// No password yet: the link leads to the welcome page to choose one.
	resp := follow(t, link)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/welcome" || sessionCookie(resp) == nil {
		t.Fatalf("following the link: %s to %q, cookie %v", resp.Status, resp.Header.Get("Location"), sessionCookie(resp))
	}

	// A lost link: user link makes a new one; the used one stays dead.
	r = cmd.mustRun("user", "link", "--email", "JEROME.DURAND@exemple.fr")
	fresh := signInLink(t, r.stdout)
	if fresh == "" || fresh == link || !strings.Contains(r.stdout, "Jérôme Durand") {
		t.Fatalf("user link printed:\n%s", r.stdout)
	}
	if resp := follow(t, fresh); resp.StatusCode != http.StatusSeeOther || sessionCookie(resp) == nil {
		t.Fatalf("the new link: %s", resp.Status)
	}
	if resp := follow(t, link); resp.StatusCode != http.StatusGone {
		t.Fatalf("the used link: %s, want 410", resp.Status)
	}

	// With a password, the link signs in straight to the home page.
	r = cmd.mustRun("user", "create", "--email", "noel.richard@exemple.fr", "--name", "Noël Richard", "--role", "agent",
		"--password", "une phrase assez longue")
	if resp := follow(t, signInLink(t, r.stdout)); resp.Header.Get("Location") != "/" {
		t.Fatalf("link of an account with a password leads to %q", resp.Header.Get("Location"))
	}
}

func TestUserCreateRefusesBadInput(t *testing.T) {
	sh := newShell(t)
	sh.mustRun("user", "create", "--email", "helene@exemple.fr", "--name", "Hélène", "--role", "manager")
	cases := []struct {
		args  []string
		names string
	}{
		{[]string{"--email", "zoe@exemple.fr", "--name", "Zoé", "--role", "chef"}, "--role"},
		{[]string{"--email", "pas-un-email", "--name", "Zoé"}, "--email"},
		{[]string{"--email", "HELENE@exemple.fr", "--name", "Hélène bis"}, "--email"},
		{[]string{"--email", "zoe@exemple.fr"}, "--name"},
	}
	for _, c := range cases {
		r := sh.run(append([]string{"user", "create"}, c.args...)...)
		if r.code != 2 || !strings.Contains(r.stderr, c.names) {
			t.Errorf("%v: exit %d, stderr %q; want 2 naming %s", c.args, r.code, r.stderr, c.names)
		}
		if signInLink(t, r.stdout) != "" {
			t.Errorf("%v: printed a link", c.args)
		}
	}
	if r := sh.run("user", "link", "--email", "personne@exemple.fr"); r.code != 1 || !strings.Contains(r.stderr, "personne@exemple.fr") {
		t.Errorf("user link for nobody: exit %d, stderr %q", r.code, r.stderr)
	}
}
