package mailout

import (
	"context"
	"database/sql"
	"testing"

	"majordome/internal/db"
	"majordome/internal/i18n"
	"majordome/internal/jobs"
	"majordome/internal/testutil"
)

func TestRecordIncomingMatchesRequestByMessageID(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		cat, err := i18n.Load()
		if err != nil {
			t.Fatal(err)
		}
		s := New(d, jobs.New(d, testutil.Quiet, jobs.Options{}), cat, testutil.Quiet)
		if err := s.Queries().Check(ctx, d); err != nil {
			t.Fatal(err)
		}
		err = d.Tx(ctx, func(tx *sql.Tx) error {
			if err := s.RecordIncoming(ctx, tx, 1042, "<CAF=abc@mail.gmail.com>"); err != nil {
				return err
			}
			// The same id again (the mailbox fetched twice), without brackets: kept once.
			return s.RecordIncoming(ctx, tx, 1042, " CAF=abc@mail.gmail.com ")
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range []string{"<CAF=abc@mail.gmail.com>", "CAF=abc@mail.gmail.com"} {
			if n, ok, err := s.RequestByMessageID(ctx, id); err != nil || !ok || n != 1042 {
				t.Errorf("RequestByMessageID(%q) = %d, %v, %v; want 1042", id, n, ok, err)
			}
		}
		if n, ok, err := s.RequestByMessageID(ctx, "<unknown@x.fr>"); err != nil || ok {
			t.Errorf("unknown id = %d, %v, %v; want none", n, ok, err)
		}
		if err := s.recordOutgoing(ctx, 1042, MessageID(1042, "r1", "exemple.fr")); err != nil {
			t.Fatal(err)
		}
		if n, ok, _ := s.RequestByMessageID(ctx, MessageID(1042, "r1", "exemple.fr")); !ok || n != 1042 {
			t.Errorf("outgoing id = %d, %v", n, ok)
		}
		ids, err := s.incomingIDs(ctx, 1042)
		if err != nil || len(ids) != 1 || ids[0] != "<CAF=abc@mail.gmail.com>" {
			t.Errorf("incoming ids = %v, %v", ids, err)
		}
	})
}
