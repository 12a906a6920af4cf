package slackfake

import "context"

// hold is one spell of held answers, from Hold to Release.
type hold struct {
	methods map[string]bool // "" for every method
	release chan struct{}   // closed by Release
	waiting int             // calls holding their answer now
}

// Hold makes the calls of method ("" for every method) do their work (a message is posted) and
// then hold their answer until Release, as if the network stalled right after Slack acted. A
// test kills its client meanwhile, to leave work done whose answer nobody read. A held call
// also ends when its client goes away. Several Hold calls add methods to the same spell.
func (s *Server) Hold(method string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.hold == nil {
		s.hold = &hold{methods: map[string]bool{}, release: make(chan struct{})}
	}
	s.hold.methods[method] = true
}

// Holding is how many calls hold their answer now.
func (s *Server) Holding() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.hold == nil {
		return 0
	}
	return s.hold.waiting
}

// Release answers the held calls and holds no more.
func (s *Server) Release() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.hold != nil {
		close(s.hold.release)
		s.hold = nil
	}
}

// wait holds the answer to a call of method, done already, while the spell lasts and ctx (the
// client's request) is alive.
func (s *Server) wait(ctx context.Context, method string) {
	s.mu.Lock()
	h := s.hold
	if h == nil || !h.methods[method] && !h.methods[""] {
		s.mu.Unlock()
		return
	}
	h.waiting++
	s.mu.Unlock()
	select {
	case <-h.release:
	case <-ctx.Done():
	}
	s.mu.Lock()
	h.waiting--
	s.mu.Unlock()
}
