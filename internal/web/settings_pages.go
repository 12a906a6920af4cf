package web

import "net/http"

// Placeholders, replaced by the settings pages.
func (s *Server) settingsPage(w http.ResponseWriter, r *http.Request) error   { return errNotFound }
func (s *Server) settingsSave(w http.ResponseWriter, r *http.Request) error   { return errNotFound }
func (s *Server) sitesPage(w http.ResponseWriter, r *http.Request) error      { return errNotFound }
func (s *Server) siteCreate(w http.ResponseWriter, r *http.Request) error     { return errNotFound }
func (s *Server) siteUpdate(w http.ResponseWriter, r *http.Request) error     { return errNotFound }
func (s *Server) usersPage(w http.ResponseWriter, r *http.Request) error      { return errNotFound }
func (s *Server) userCreate(w http.ResponseWriter, r *http.Request) error     { return errNotFound }
func (s *Server) userEdit(w http.ResponseWriter, r *http.Request) error       { return errNotFound }
func (s *Server) userUpdate(w http.ResponseWriter, r *http.Request) error     { return errNotFound }
func (s *Server) userSignInLink(w http.ResponseWriter, r *http.Request) error { return errNotFound }
func (s *Server) tokensPage(w http.ResponseWriter, r *http.Request) error     { return errNotFound }
func (s *Server) tokenCreate(w http.ResponseWriter, r *http.Request) error    { return errNotFound }
func (s *Server) tokenRevoke(w http.ResponseWriter, r *http.Request) error    { return errNotFound }
func (s *Server) auditPage(w http.ResponseWriter, r *http.Request) error      { return errNotFound }
