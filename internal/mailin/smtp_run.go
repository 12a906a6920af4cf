package mailin

import (
	"context"
	"net"
	"time"
)

// RunSMTP runs the built-in SMTP listener until ctx ends, at the address in force
// (MAJORDOME_SMTP_LISTEN, else the settings page): it listens once an address is set, moves
// when it changes and stops when it is removed, reading it every few seconds, so that the
// settings page takes effect without a restart. An address it cannot listen on is logged once
// and tried again at each reading (the port may be freed).
func (s *Service) RunSMTP(ctx context.Context) error {
	if s.Mail == nil {
		return nil
	}
	var (
		addr   string        // where the listener runs, "" when it does not
		failed string        // the address last refused, logged once
		stop   func()        // stops the listener
		done   chan struct{} // closed once the listener has stopped
	)
	halt := func() {
		if stop != nil {
			stop()
			<-done
			stop, addr = nil, ""
		}
	}
	defer halt()
	t := time.NewTicker(s.smtpCheck)
	defer t.Stop()
	for {
		if stop != nil {
			select {
			case <-done: // ended by itself (logged): listen again below
				stop, addr = nil, ""
			default:
			}
		}
		want := addr
		if cfg, err := s.Mail(ctx); err != nil {
			if ctx.Err() == nil {
				s.Log.Warn("mailin: smtp: settings", "err", err)
			}
		} else {
			want = cfg.SMTPListen
		}
		if want != addr {
			halt()
			if want != "" {
				ln, err := net.Listen("tcp", want)
				switch {
				case err != nil && failed != want:
					s.Log.Error("mailin: SMTP listener not started: forwarded mail waits on the sending server", "addr", want, "err", err)
					failed = want
				case err == nil:
					s.Log.Info("mailin: SMTP listener ready", "addr", ln.Addr().String())
					sctx, cancel := context.WithCancel(ctx)
					addr, failed, stop, done = want, "", cancel, make(chan struct{})
					go func(done chan struct{}) {
						defer close(done)
						if err := s.ServeSMTP(sctx, ln); err != nil && sctx.Err() == nil {
							s.Log.Warn("mailin: SMTP listener stopped", "err", err)
						}
					}(done)
				}
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}
