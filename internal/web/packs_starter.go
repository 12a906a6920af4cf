package web

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"majordome/internal/pack"
	"majordome/packs"
)

// packOffer is the home page's card that offers the starter pack while the bible is empty.
type packOffer struct {
	Entries int // articles and checklists the pack adds
}

// homePackOffer returns the offer of the starter pack for an admin's home, or nil once the
// bible holds an article or a checklist.
func (s *Server) homePackOffer(ctx context.Context) (*packOffer, error) {
	if s.Packs == nil {
		return nil, nil
	}
	empty, err := s.Packs.IsEmpty(ctx)
	if err != nil || !empty {
		return nil, err
	}
	src, err := pack.ReadFS(packs.Starter())
	if err != nil {
		return nil, err
	}
	n := 0
	for _, f := range src.Files {
		if strings.HasSuffix(f.Path, ".md") {
			n++
		}
	}
	return &packOffer{Entries: n}, nil
}

// packPreviewData is what the starter pack's page shows: what installing it would change.
type packPreviewData struct {
	Plan     *pack.Plan
	Problems []string // when the pack cannot be installed on this bible, why
	ToApply  int
}

// packStarterPage shows what installing the starter pack adds, without writing anything.
func (s *Server) packStarterPage(w http.ResponseWriter, r *http.Request) error {
	p := s.newPage(w, r, "bible")
	p.Title = p.T("packs.preview.title")
	d, err := s.packStarterPlan(r, p, false)
	if err != nil {
		return err
	}
	p.Data = d
	return s.render(w, p, "packs_starter")
}

// packStarterInstall installs the starter pack, all or nothing, and opens the bible.
func (s *Server) packStarterInstall(w http.ResponseWriter, r *http.Request) error {
	p := s.newPage(w, r, "bible")
	p.Title = p.T("packs.preview.title")
	d, err := s.packStarterPlan(r, p, true)
	if err != nil {
		return err
	}
	if d.Problems != nil {
		p.Flash = &flash{Kind: "error", Message: p.T("packs.refused")}
		p.Data = d
		return s.renderStatus(w, http.StatusUnprocessableEntity, p, "packs_starter")
	}
	s.setFlash(w, "success", p.T("packs.installed", "created", d.Plan.Created))
	http.Redirect(w, r, "/bible", http.StatusSeeOther)
	return nil
}

// packStarterPlan checks (or, with install, imports) the starter pack as the signed-in admin.
func (s *Server) packStarterPlan(r *http.Request, p *Page, install bool) (*packPreviewData, error) {
	src, err := pack.ReadFS(packs.Starter())
	if err != nil {
		return nil, err
	}
	run := s.Packs.Check
	if install {
		run = s.Packs.Import
	}
	plan, err := run(r.Context(), src)
	var probs pack.Problems
	if errors.As(err, &probs) {
		d := &packPreviewData{Problems: []string{}}
		for _, pr := range probs {
			d.Problems = append(d.Problems, pack.Describe(s.I18n, p.Lang, pr))
		}
		return d, nil
	}
	if err != nil {
		return nil, err
	}
	return &packPreviewData{Plan: plan, ToApply: plan.Created + plan.Updated}, nil
}
