package api

import (
	"net/http"

	"majordome/internal/auth"
)

// route is one endpoint: its method and path, the permission it needs ("" for a public one)
// and its handler. The table is data so the tests can check it against the OpenAPI document.
type route struct {
	Method  string
	Pattern string
	Perm    auth.Permission
	Handle  handlerFunc
}

// routes lists every endpoint of the API. Reading it shows the whole API; openapi.json must
// describe exactly these, and a test holds them to it.
func (s *server) routes() []route {
	return []route{
		{"GET", "/api/v1/openapi.json", "", s.openAPI},

		// The directory.
		{"GET", "/api/v1/people", auth.PeopleRead, s.peopleList},
		{"POST", "/api/v1/people", auth.PeopleWrite, s.personCreate},
		{"GET", "/api/v1/people/{id}", auth.PeopleRead, s.personGet},
		{"PATCH", "/api/v1/people/{id}", auth.PeopleWrite, s.personPatch},
		{"DELETE", "/api/v1/people/{id}", auth.PeopleWrite, s.personDelete},

		// The request desk. Which requests a token sees is the desk's rule (request.Viewer)
		// applied to the token's role; any token may file one.
		{"GET", "/api/v1/requests", auth.RequestsAsk, s.requestList},
		{"POST", "/api/v1/requests", auth.RequestsAsk, s.requestCreate},
		{"GET", "/api/v1/requests/{number}", auth.RequestsAsk, s.requestGet},
		{"PATCH", "/api/v1/requests/{number}", auth.RequestsWork, s.requestPatch},
		{"POST", "/api/v1/requests/bulk", auth.RequestsWork, s.requestBulk},
		{"POST", "/api/v1/requests/{number}/replies", auth.RequestsAsk, s.replyCreate},
		{"GET", "/api/v1/requests/{number}/messages", auth.RequestsAsk, s.messageList},
		{"POST", "/api/v1/requests/{number}/attachments", auth.RequestsAsk, s.attachmentCreate},
		{"GET", "/api/v1/requests/{number}/attachments", auth.RequestsAsk, s.attachmentList},
		{"GET", "/api/v1/requests/{number}/attachments/{id}", auth.RequestsAsk, s.attachmentGet},

		// Incidents (one problem, many requests) and merges of duplicates, for agents.
		{"POST", "/api/v1/requests/{number}/merge", auth.RequestsWork, s.requestMerge},
		{"GET", "/api/v1/incidents", auth.RequestsWork, s.incidentList},
		{"POST", "/api/v1/incidents", auth.RequestsWork, s.incidentCreate},
		{"GET", "/api/v1/incidents/{id}", auth.RequestsWork, s.incidentGet},
		{"POST", "/api/v1/incidents/{id}/link", auth.RequestsWork, s.incidentLink},
		{"POST", "/api/v1/incidents/{id}/replies", auth.RequestsWork, s.incidentReply},
		{"POST", "/api/v1/incidents/{id}/resolve", auth.RequestsWork, s.incidentResolve},

		// Request categories, which every agent reads and admins manage, and the routing rules
		// that sort new requests, which only admins see.
		{"GET", "/api/v1/categories", auth.RequestsWork, s.categoryList},
		{"POST", "/api/v1/categories", auth.Administer, s.categoryCreate},
		{"PATCH", "/api/v1/categories/{id}", auth.Administer, s.categoryPatch},
		{"GET", "/api/v1/rules", auth.Administer, s.ruleList},
		{"POST", "/api/v1/rules", auth.Administer, s.ruleCreate},
		{"PATCH", "/api/v1/rules/{id}", auth.Administer, s.rulePatch},
		{"DELETE", "/api/v1/rules/{id}", auth.Administer, s.ruleDelete},

		// Articles of the bible, read by every token as its role allows (employees: the published
		// articles for everyone), written by agents; the suggestions that answer a question
		// before it becomes a request.
		{"GET", "/api/v1/articles", auth.RequestsAsk, s.articleList},
		{"POST", "/api/v1/articles", auth.RequestsWork, s.articleCreate},
		{"GET", "/api/v1/articles/{id}", auth.RequestsAsk, s.articleGet},
		{"PATCH", "/api/v1/articles/{id}", auth.RequestsWork, s.articlePatch},
		{"POST", "/api/v1/suggestions", auth.RequestsAsk, s.suggestionCreate},

		// Checklists of the bible: templates of tasks due at offsets from an anchor date, and
		// their runs, for agents and admins.
		{"GET", "/api/v1/checklists", auth.RequestsWork, s.checklistList},
		{"POST", "/api/v1/checklists", auth.RequestsWork, s.checklistCreate},
		{"GET", "/api/v1/checklists/{id}", auth.RequestsWork, s.checklistGet},
		{"POST", "/api/v1/checklists/{id}/runs", auth.RequestsWork, s.checklistRunCreate},

		// Announcements to everyone, teams, sites or people, for agents and admins: sent at once
		// or scheduled, with their delivery and acknowledgement figures and their recipients.
		{"GET", "/api/v1/announcements", auth.RequestsWork, s.announcementList},
		{"POST", "/api/v1/announcements", auth.RequestsWork, s.announcementCreate},
		{"GET", "/api/v1/announcements/{id}", auth.RequestsWork, s.announcementGet},
		{"GET", "/api/v1/announcements/{id}/recipients", auth.RequestsWork, s.announcementRecipients},

		// The account the token acts for (me.go): its notifications, how it hears of them
		// outside the app, and its focus time, as on its own web pages.
		{"GET", "/api/v1/me/notifications", auth.RequestsAsk, s.notificationList},
		{"POST", "/api/v1/me/notifications/{id}/read", auth.RequestsAsk, s.notificationRead},
		{"POST", "/api/v1/me/notifications/read-all", auth.RequestsAsk, s.notificationsReadAll},
		{"GET", "/api/v1/me/notification-preferences", auth.RequestsAsk, s.prefsGet},
		{"PUT", "/api/v1/me/notification-preferences", auth.RequestsAsk, s.prefsPut},
		{"GET", "/api/v1/me/focus", auth.RequestsAsk, s.focusGet},
		{"POST", "/api/v1/me/focus", auth.RequestsAsk, s.focusStart},
		{"DELETE", "/api/v1/me/focus", auth.RequestsAsk, s.focusStop},
		{"POST", "/api/v1/me/focus/blocks", auth.RequestsAsk, s.focusBlockCreate},
		{"DELETE", "/api/v1/me/focus/blocks/{id}", auth.RequestsAsk, s.focusBlockDelete},
	}
}

// fallbackPattern catches every other path under /api/, so that even a wrong URL or method
// gets a problem+json answer rather than the ServeMux's plain text.
const fallbackPattern = "/api/"

// register puts the routes on the mux, each behind token authentication when it needs a
// permission.
func (s *server) register() {
	for _, rt := range s.routes() {
		h := rt.Handle
		if rt.Perm != "" {
			h = s.authenticate(rt.Perm, h)
		}
		s.mux.Handle(rt.Method+" "+rt.Pattern, s.serve(h))
	}
	s.mux.Handle(fallbackPattern, s.serve(s.fallback))
}

// probeMethods are the methods tried to build an Allow header. HEAD comes with every GET route
// because the ServeMux answers it.
var probeMethods = []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut,
	http.MethodPatch, http.MethodDelete}

// fallback answers a request no route matched: 405 with Allow when the path exists for other
// methods, 404 otherwise. The catch-all pattern would otherwise hide the ServeMux's own 405,
// so the allowed methods are found by asking the mux which route each method would reach.
func (s *server) fallback(w http.ResponseWriter, r *http.Request) error {
	var allowed []string
	for _, m := range probeMethods {
		probe := &http.Request{Method: m, URL: r.URL, Host: r.Host, Header: http.Header{}}
		if _, pattern := s.mux.Handler(probe); pattern != "" && pattern != fallbackPattern {
			allowed = append(allowed, m)
		}
	}
	if len(allowed) > 0 {
		return methodNotAllowed(allowed)
	}
	return notFound("There is no API endpoint at " + r.URL.Path + "; see /api/v1/openapi.json.")
}
