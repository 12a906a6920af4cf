package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"majordome/internal/auth"
)

func TestFirstAdminWelcomeThenPasswordSignIn(t *testing.T) {
	e := newEnv(t)
	c := e.signInAs(auth.Admin)
	page := c.get("/welcome")
	if page.StatusCode != 200 || !strings.Contains(page.Body, "Bienvenue dans Majordome") {
		t.Fatalf("welcome page: %d", page.StatusCode)
	}
	bad := c.post("/welcome", url.Values{"name": {"Camille Martin"}, "email": {"pas-une-adresse"}, "password": {"court"}})
	if bad.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(bad.Body, "adresse e-mail n&#39;est pas valide") ||
		!strings.Contains(bad.Body, `value="Camille Martin"`) {
		t.Fatalf("bad welcome form: %d %s", bad.StatusCode, bad.Body)
	}
	ok := c.post("/welcome", url.Values{"name": {"Camille Martin"}, "email": {"camille@exemple.fr"},
		"password": {"une phrase assez longue"}, "company": {"Sentier & Co"}})
	if ok.StatusCode != http.StatusSeeOther || ok.Header.Get("Location") != "/" {
		t.Fatalf("welcome: %d %s", ok.StatusCode, ok.Body)
	}
	home := c.get("/")
	if !strings.Contains(home.Body, "Bonjour Camille") || !strings.Contains(home.Body, "Bienvenue, Camille Martin") {
		t.Fatalf("home after welcome: %s", home.Body)
	}

	other := e.anonymous()
	other.get("/signin")
	wrong := other.post("/signin", url.Values{"email": {"camille@exemple.fr"}, "password": {"mauvais mot de passe"}})
	if wrong.StatusCode != http.StatusUnauthorized || !strings.Contains(wrong.Body, "incorrect") || !strings.Contains(wrong.Body, `value="camille@exemple.fr"`) {
		t.Fatalf("wrong password: %d", wrong.StatusCode)
	}
	good := other.post("/signin", url.Values{"email": {"camille@exemple.fr"}, "password": {"une phrase assez longue"}, "next": {"/me"}})
	if good.StatusCode != http.StatusSeeOther || good.Header.Get("Location") != "/me" {
		t.Fatalf("sign in: %d %v", good.StatusCode, good.Header)
	}
	setCookie := good.Header.Get("Set-Cookie")
	if !strings.Contains(setCookie, "HttpOnly") || !strings.Contains(setCookie, "SameSite=Lax") {
		t.Fatalf("session cookie flags: %s", setCookie)
	}
}

func TestSignInRequiredAndCSRF(t *testing.T) {
	e := newEnv(t)
	anon := e.anonymous()
	if res := anon.get("/people"); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/signin?next=%2Fpeople" {
		t.Fatalf("anonymous: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	c := e.signInAs(auth.Admin)
	if res := c.post("/me/language", url.Values{"language": {"en"}, "csrf_token": {"forged"}}); res.StatusCode != http.StatusForbidden {
		t.Fatalf("forged CSRF token: %d", res.StatusCode)
	}
	if res := c.post("/me/language", url.Values{"language": {"en"}, "next": {"/"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("language switch: %d", res.StatusCode)
	}
	if home := c.get("/"); !strings.Contains(home.Body, `<html lang="en">`) || !strings.Contains(home.Body, "Hello") {
		t.Fatal("the language switch did not take")
	}
}

func TestLinkWorksOnce(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	token, _ := e.App.Auth.EnsureAdmin(ctx)
	c := e.anonymous()
	if res := c.get("/signin/link?token=" + token); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("first use: %d", res.StatusCode)
	}
	d := e.anonymous()
	if res := d.get("/signin/link?token=" + token); res.StatusCode != http.StatusGone || !strings.Contains(res.Body, "a déjà servi") {
		t.Fatalf("second use: %d", res.StatusCode)
	}
}

func TestRolesAndErrorPages(t *testing.T) {
	e := newEnv(t)
	e.signInAs(auth.Admin)
	emp := e.signInAs(auth.Employee)
	if res := emp.get("/settings/users"); res.StatusCode != http.StatusForbidden || !strings.Contains(res.Body, "réservée") {
		t.Fatalf("employee on admin page: %d", res.StatusCode)
	}
	if res := emp.get("/nowhere"); res.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown page: %d", res.StatusCode)
	}
	if res := emp.get("/"); strings.Contains(res.Body, `href="/settings"`) {
		t.Fatal("employees must not see the settings entry")
	}
}

func TestOversizedBodiesAreRefusedBeforeParsing(t *testing.T) {
	e := newEnv(t)
	c := e.signInAs(auth.Admin)
	big := strings.Repeat("a", 17<<20)
	req, _ := http.NewRequest("POST", e.URL+"/people/import", strings.NewReader(big))
	req.Header.Set("Content-Type", "multipart/form-data; boundary=x")
	if res := c.do(req); res.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(res.Body, "10\u00a0Mo") {
		t.Fatalf("oversized upload: %d %s", res.StatusCode, res.Body)
	}
	form := url.Values{"name": {strings.Repeat("a", 2<<20)}}
	if res := c.post("/me", form); res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("oversized form: %d", res.StatusCode)
	}
}
