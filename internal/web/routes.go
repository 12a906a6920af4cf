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
	s.public("POST /signin/email", s.signInEmail)
	s.public("POST /signout", s.signOut)
	s.page("GET /welcome", "", s.welcomePage)
	s.page("POST /welcome", "", s.welcome)

	// Every signed-in person.
	s.page("GET /{$}", "", s.home)
	s.page("GET /me", "", s.mePage)
	s.page("POST /me", "", s.meSave)
	s.page("POST /me/language", "", s.setLanguage)
	s.page("GET /me/notifications", "", s.meNotificationsPage)
	s.page("POST /me/notifications", "", s.meNotificationsSave)

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
	s.page("GET /requests/{number}/emails", auth.RequestsWork, s.requestEmails)
	s.page("GET /requests/{number}/emails/{id}", auth.RequestsWork, s.requestEmail)
	s.page("GET /portal/{number}/attachments/{id}", auth.RequestsAsk, s.portalAttachment)
	s.page("GET /settings/macros", auth.RequestsWork, s.macrosPage) // now the bible's reply templates

	// The bible: articles and reply templates, read by everyone (employees read the published
	// articles meant for them), written by agents; its suggestions in the portal.
	s.page("GET /bible", "", s.bibleList)
	s.page("GET /bible/new", auth.RequestsWork, s.bibleNew)
	s.page("POST /bible", auth.RequestsWork, s.bibleCreate)
	s.page("POST /bible/preview", auth.RequestsWork, s.biblePreview)
	s.page("GET /bible/{slug}", "", s.bibleShow)
	s.page("GET /bible/{slug}/edit", auth.RequestsWork, s.bibleEdit)
	s.page("POST /bible/{slug}", auth.RequestsWork, s.bibleUpdate)
	s.page("GET /bible/{slug}/history", auth.RequestsWork, s.bibleHistory)
	s.page("POST /bible/{slug}/restore", auth.RequestsWork, s.bibleRestore)
	s.page("POST /bible/{slug}/files", auth.RequestsWork, s.bibleFileAdd)
	s.page("GET /bible/{slug}/files/{id}", "", s.bibleFile)
	s.page("POST /bible/{slug}/files/{id}/delete", auth.RequestsWork, s.bibleFileDelete)
	s.page("GET /portal/suggestions", auth.RequestsAsk, s.portalSuggestions)
	// Announcements for the people they went to: banners, their page, "J'ai lu", the history;
	// and the email's "J'ai lu" link, public (its token is the secret): GET shows, POST acknowledges.
	s.page("GET /portal/announcements", auth.RequestsAsk, s.portalAnnouncements)
	s.page("GET /portal/announcements/{id}", auth.RequestsAsk, s.portalAnnouncement)
	s.page("POST /portal/announcements/{id}/ack", auth.RequestsAsk, s.portalAnnouncementAck)
	s.page("GET /portal/announcements/{id}/files/{file}", auth.RequestsAsk, s.portalAnnouncementFile)
	s.public("GET /announcements/ack/{token}", s.announceAckPage)
	s.public("POST /announcements/ack/{token}", s.announceAck)
	s.page("POST /portal/helped", auth.RequestsAsk, s.portalHelped)
	// The "C'est réglé" link of an email request's acknowledgement: public, the token is the
	// secret; GET shows, POST withdraws the request and credits the bible.
	s.public("GET /deflect/{token}", s.deflectEmailPage)
	s.public("POST /deflect/{token}", s.deflectEmailConfirm)

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

	// Announcements: the Office Manager's messages to many (compose with a live count and
	// previews, schedule, edit or correct, cancel; acknowledgements, reminders, the proof).
	s.page("GET /announcements", auth.RequestsWork, s.announcementsList)
	s.page("GET /announcements/new", auth.RequestsWork, s.announceNew)
	s.page("POST /announcements", auth.RequestsWork, s.announceCreate)
	s.page("GET /announcements/count", auth.RequestsWork, s.announceCountFragment)
	s.page("POST /announcements/preview", auth.RequestsWork, s.announcePreviewFragment)
	s.page("POST /announcements/template", auth.RequestsWork, s.announceTemplate)
	s.page("GET /announcements/{id}", auth.RequestsWork, s.announceShow)
	s.page("POST /announcements/{id}", auth.RequestsWork, s.announceUpdate)
	s.page("GET /announcements/edit/{id}", auth.RequestsWork, s.announceEdit)
	s.page("POST /announcements/cancel/{id}", auth.RequestsWork, s.announceCancel)
	s.page("POST /announcements/remind/{id}", auth.RequestsWork, s.announceRemind)
	s.page("GET /announcements/export/{id}", auth.RequestsWork, s.announceExport)
	s.page("GET /announcements/{id}/files/{file}", auth.RequestsWork, s.announceFile)

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
	s.page("GET /settings/slack", auth.Administer, s.slackSettingsPage)
	s.page("POST /settings/slack", auth.Administer, s.slackSettingsSave)
	s.page("GET /settings/slack/manifest.json", auth.Administer, s.slackManifest)
	s.page("GET /settings/mail", auth.Administer, s.mailSettingsPage)
	s.page("POST /settings/mail", auth.Administer, s.mailSettingsSave)
	s.page("POST /settings/mail/test", auth.Administer, s.mailSettingsTest)
	s.page("POST /settings/mail/failing/clear", auth.Administer, s.mailFailingClear)
	s.page("GET /settings/mail/inbound", auth.Administer, s.mailInboundPage)
	s.page("POST /settings/mail/inbound", auth.Administer, s.mailInboundSave)
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

	// The starter pack of the bible: what it adds, then install it (admins).
	s.page("GET /packs/starter", auth.Administer, s.packStarterPage)
	s.page("POST /packs/starter", auth.Administer, s.packStarterInstall)

	// Checklists of the bible, for agents and admins; everyone's tasks ("Mes tâches").
	s.page("GET /bible/checklists", auth.RequestsWork, s.checklistsList)
	s.page("GET /bible/checklists/new", auth.RequestsWork, s.checklistNew)
	s.page("POST /bible/checklists", auth.RequestsWork, s.checklistCreate)
	s.page("GET /bible/checklists/edit/{slug}", auth.RequestsWork, s.checklistEdit)
	s.page("GET /checklists/{slug}", auth.RequestsWork, s.checklistShow)
	s.page("POST /checklists/{slug}", auth.RequestsWork, s.checklistUpdate)
	s.page("POST /checklists/{slug}/delete", auth.RequestsWork, s.checklistDelete)
	s.page("POST /checklists/{slug}/runs", auth.RequestsWork, s.checklistStart)
	s.page("GET /people/{id}/checklist", auth.RequestsWork, s.checklistStartFor)
	s.page("GET /checklists/runs", auth.RequestsWork, s.checklistRunsFor)
	s.page("GET /checklists/runs/{id}", auth.RequestsWork, s.checklistRun)
	s.page("POST /checklists/runs/{id}/request", auth.RequestsWork, s.checklistRunLink)
	s.page("POST /checklists/tasks/{id}/done", "", s.taskToggle)
	s.page("POST /checklists/tasks/{id}/request", auth.RequestsWork, s.taskRequest)
	s.page("GET /tasks", "", s.tasksPage)
	s.page("GET /tasks/nav", "", s.tasksNav)

	s.public("/", func(http.ResponseWriter, *http.Request) error { return errNotFound })
}
