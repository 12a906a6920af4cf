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

	// Notifications and focus time: what happened for the reader, and when not to disturb them.
	s.page("GET /notifications", "", s.notificationsPage)
	s.page("GET /notifications/bell", "", s.notificationsBell)
	s.page("POST /notifications/read", "", s.notificationsReadAll)
	s.page("GET /notifications/{id}", "", s.notificationOpen)
	s.page("POST /notifications/{id}/read", "", s.notificationRead)
	s.page("GET /focus", "", s.focusPage)
	s.page("POST /focus/start", "", s.focusStart)
	s.page("POST /focus/stop", "", s.focusStop)
	s.page("POST /focus/blocks", "", s.focusBlockCreate)
	s.page("POST /focus/blocks/{id}/delete", "", s.focusBlockDelete)
	s.page("GET /portal/focus", auth.RequestsAsk, s.portalFocus)

	// The directory.
	s.page("GET /people", auth.PeopleRead, s.peopleList)
	s.page("GET /people/new", auth.PeopleWrite, s.personNew)
	s.page("POST /people", auth.PeopleWrite, s.personCreate)
	s.page("GET /people/{id}", auth.PeopleRead, s.personShow)
	s.page("GET /people/{id}/edit", auth.PeopleWrite, s.personEdit)
	s.page("POST /people/{id}", auth.PeopleWrite, s.personUpdate)
	s.page("POST /people/{id}/deactivate", auth.PeopleWrite, s.personDeactivate)
	s.page("POST /people/{id}/reactivate", auth.PeopleWrite, s.personReactivate)
	s.page("POST /people/{id}/reviewed", auth.PeopleWrite, s.personReviewed)
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

	// Attachments, served only to who may see their request; the desk's canned replies.
	s.page("GET /requests/{number}/attachments/{id}", auth.RequestsWork, s.requestAttachment)
	s.page("GET /portal/{number}/attachments/{id}", auth.RequestsAsk, s.portalAttachment)
	s.page("GET /settings/macros", auth.RequestsWork, s.macrosPage)
	s.page("POST /settings/macros", auth.RequestsWork, s.macroCreate)
	s.page("POST /settings/macros/{id}", auth.RequestsWork, s.macroUpdate)
	s.page("POST /settings/macros/{id}/delete", auth.RequestsWork, s.macroDelete)

	// Incidents (one problem, many requests), merges and the queue's bulk actions.
	s.page("GET /incidents", auth.RequestsWork, s.incidentsList)
	s.page("POST /incidents", auth.RequestsWork, s.incidentCreate)
	s.page("GET /incidents/{id}", auth.RequestsWork, s.incidentShow)
	s.page("POST /incidents/{id}/link", auth.RequestsWork, s.incidentLink)
	s.page("POST /incidents/{id}/replies", auth.RequestsWork, s.incidentReply)
	s.page("POST /incidents/{id}/resolve", auth.RequestsWork, s.incidentResolve)
	s.page("POST /requests/{number}/incident", auth.RequestsWork, s.requestIncident)
	s.page("POST /requests/{number}/merge", auth.RequestsWork, s.requestMerge)
	s.page("POST /requests/bulk", auth.RequestsWork, s.requestsBulk)

	// Reports: what the desk did over a period, on screen and as files, for agents and admins.
	s.page("GET /reports", auth.RequestsWork, s.reportsPage)
	s.page("GET /reports/export.csv", auth.RequestsWork, s.reportsCSV)
	s.page("GET /reports/export.xlsx", auth.RequestsWork, s.reportsXLSX)

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
	s.page("GET /settings/sla", auth.Administer, s.slaSettingsPage)
	s.page("POST /settings/sla", auth.Administer, s.slaTargetsSave)
	s.page("POST /settings/sla/sites/{id}", auth.Administer, s.slaSiteHoursSave)
	s.page("GET /settings/rules", auth.Administer, s.rulesPage)
	s.page("GET /settings/rules/new", auth.Administer, s.ruleNew)
	s.page("POST /settings/rules", auth.Administer, s.ruleCreate)
	s.page("GET /settings/rules/{id}", auth.Administer, s.ruleEdit)
	s.page("POST /settings/rules/{id}", auth.Administer, s.ruleUpdate)
	s.page("POST /settings/rules/{id}/enabled", auth.Administer, s.ruleEnable)
	s.page("POST /settings/rules/{id}/move", auth.Administer, s.ruleMove)
	s.page("POST /settings/rules/{id}/delete", auth.Administer, s.ruleDelete)
	s.page("GET /settings/categories", auth.Administer, s.categoriesPage)
	s.page("POST /settings/categories", auth.Administer, s.categoryCreate)
	s.page("POST /settings/categories/{id}", auth.Administer, s.categoryUpdate)
	s.page("POST /settings/categories/{id}/move", auth.Administer, s.categoryMove)
	s.page("POST /settings/categories/{id}/archive", auth.Administer, s.categoryArchive)
	s.page("POST /settings/categories/{id}/restore", auth.Administer, s.categoryRestore)

	s.public("/", func(http.ResponseWriter, *http.Request) error { return errNotFound })
}
