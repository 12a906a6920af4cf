package web

import (
	"net/http"

	"majordome/internal/auth"
)

// routes lists every page of the web interface. Reading it shows the whole product.
func (s *Server) routes() {
	s.public("GET /static/", s.static.serve)

	// Signing in and out.
	s.public("GET /signin", s.signInPage)
	s.public("POST /signin", s.signIn)
	s.public("GET /signin/link", s.signInLink)
	s.public("POST /signout", s.signOut)
	s.page("GET /welcome", "", s.welcomePage)
	s.page("POST /welcome", "", s.welcome)

	// Every signed-in person.
	s.page("GET /{$}", "", s.home)
	s.page("GET /me", "", s.mePage)
	s.page("POST /me", "", s.meSave)
	s.page("POST /me/language", "", s.setLanguage)

	// The directory.
	s.page("GET /people", auth.PeopleRead, s.peopleList)
	s.page("GET /people/new", auth.PeopleWrite, s.personNew)
	s.page("POST /people", auth.PeopleWrite, s.personCreate)
	s.page("GET /people/{id}", auth.PeopleRead, s.personShow)
	s.page("GET /people/{id}/edit", auth.PeopleWrite, s.personEdit)
	s.page("POST /people/{id}", auth.PeopleWrite, s.personUpdate)
	s.page("POST /people/{id}/deactivate", auth.PeopleWrite, s.personDeactivate)
	s.page("POST /people/{id}/reactivate", auth.PeopleWrite, s.personReactivate)
	s.page("GET /people/import", auth.PeopleWrite, s.importPage)
	s.page("POST /people/import", auth.PeopleWrite, s.importPreview)
	s.page("POST /people/import/confirm", auth.PeopleWrite, s.importConfirm)

	// The request desk: the queue and the request page for agents, the portal for everyone.
	s.page("GET /requests", auth.RequestsWork, s.requestsList)
	s.page("GET /requests/{number}", auth.RequestsWork, s.requestShow)
	s.page("POST /requests/{number}", auth.RequestsWork, s.requestUpdate)
	s.page("POST /requests/{number}/replies", auth.RequestsWork, s.requestReply)
	s.page("GET /portal", auth.RequestsAsk, s.portal)
	s.page("POST /portal", auth.RequestsAsk, s.portalCreate)
	s.page("GET /portal/{number}", auth.RequestsAsk, s.portalShow)
	s.page("POST /portal/{number}/replies", auth.RequestsAsk, s.portalReply)
	s.page("POST /portal/{number}/rating", auth.RequestsAsk, s.portalRate)

	// Settings, for admins.
	s.page("GET /settings", auth.Administer, s.settingsPage)
	s.page("POST /settings", auth.Administer, s.settingsSave)
	s.page("GET /settings/sites", auth.Administer, s.sitesPage)
	s.page("POST /settings/sites", auth.Administer, s.siteCreate)
	s.page("POST /settings/sites/{id}", auth.Administer, s.siteUpdate)
	s.page("GET /settings/users", auth.Administer, s.usersPage)
	s.page("POST /settings/users", auth.Administer, s.userCreate)
	s.page("GET /settings/users/{id}", auth.Administer, s.userEdit)
	s.page("POST /settings/users/{id}", auth.Administer, s.userUpdate)
	s.page("POST /settings/users/{id}/link", auth.Administer, s.userSignInLink)
	s.page("GET /settings/tokens", auth.Administer, s.tokensPage)
	s.page("POST /settings/tokens", auth.Administer, s.tokenCreate)
	s.page("POST /settings/tokens/{id}/revoke", auth.Administer, s.tokenRevoke)
	s.page("GET /settings/audit", auth.Administer, s.auditPage)

	s.public("/", func(http.ResponseWriter, *http.Request) error { return errNotFound })
}
