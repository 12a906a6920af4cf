package web

import "net/http"

// Placeholders, replaced by the people pages.
func (s *Server) peopleList(w http.ResponseWriter, r *http.Request) error       { return errNotFound }
func (s *Server) personNew(w http.ResponseWriter, r *http.Request) error        { return errNotFound }
func (s *Server) personCreate(w http.ResponseWriter, r *http.Request) error     { return errNotFound }
func (s *Server) personShow(w http.ResponseWriter, r *http.Request) error       { return errNotFound }
func (s *Server) personEdit(w http.ResponseWriter, r *http.Request) error       { return errNotFound }
func (s *Server) personUpdate(w http.ResponseWriter, r *http.Request) error     { return errNotFound }
func (s *Server) personDeactivate(w http.ResponseWriter, r *http.Request) error { return errNotFound }
func (s *Server) personReactivate(w http.ResponseWriter, r *http.Request) error { return errNotFound }
func (s *Server) importPage(w http.ResponseWriter, r *http.Request) error       { return errNotFound }
func (s *Server) importPreview(w http.ResponseWriter, r *http.Request) error    { return errNotFound }
func (s *Server) importConfirm(w http.ResponseWriter, r *http.Request) error    { return errNotFound }
