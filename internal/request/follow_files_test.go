package request_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"majordome/internal/audit"
	"majordome/internal/db"
	"majordome/internal/request"
	"majordome/internal/testutil"
)

// TestFollowerReadsTheTeamsFiles merges Zoé's request into Hélène's, where Hélène filed a photo
// and sent a plan, the team a note with a file and a public reply with the procedure: Zoé lists
// and downloads the procedure only, and Hélène's files and the note's stay out of her reach.
func TestFollowerReadsTheTeamsFiles(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newOffice(t, d)
		ctx := context.Background()
		target, err := o.desk.Create(ctx, request.NewRequest{Title: "Wi-Fi lent", RequesterEmail: "helene@x.fr",
			Files: []request.File{mustRead(t, "bureau.png", pngFile)}})
		if err != nil {
			t.Fatal(err)
		}
		dup, _ := o.desk.Create(ctx, request.NewRequest{Title: "Internet ne marche pas", RequesterEmail: "zoe@x.fr"})
		if _, err := o.desk.Merge(ctx, o.jerome, dup.Number, target.Number); err != nil {
			t.Fatal(err)
		}
		if _, err := o.desk.ReplyWithFiles(ctx, o.helene, target.Number, "Mon plan", false, request.Web,
			[]request.File{mustRead(t, "plan.pdf", pdfFile)}); err != nil {
			t.Fatal(err)
		}
		if _, err := o.desk.ReplyWithFiles(ctx, o.noel, target.Number, "Contrat", true, request.Web,
			[]request.File{mustRead(t, "contrat.pdf", pdfFile)}); err != nil {
			t.Fatal(err)
		}
		reply, err := o.desk.ReplyWithFiles(ctx, o.noel, target.Number, "Voici la procédure.", false, request.Web,
			[]request.File{mustRead(t, "procedure.pdf", pdfFile)})
		if err != nil {
			t.Fatal(err)
		}
		all, _ := o.desk.Attachments(ctx, o.camille, target)
		ids := map[string]int64{}
		for _, a := range all {
			ids[a.Filename] = a.ID
		}
		if len(ids) != 4 {
			t.Fatalf("files %v", ids)
		}

		f, err := o.desk.ReadFollowed(ctx, o.zoe, target.Number)
		if err != nil {
			t.Fatal(err)
		}
		if len(f.Files) != 1 || f.Files[0].Filename != "procedure.pdf" || f.Files[0].MessageID != reply.ID {
			t.Fatalf("Zoé lists %+v; want the procedure, on the team's reply", f.Files)
		}
		a, data, err := o.desk.FollowedAttachment(ctx, o.zoe, target.Number, ids["procedure.pdf"])
		if err != nil || a.Filename != "procedure.pdf" || !bytes.Equal(data, pdfFile) {
			t.Fatalf("Zoé downloads the procedure: %+v %v", a, err)
		}
		for _, name := range []string{"bureau.png", "plan.pdf", "contrat.pdf"} {
			if _, data, err := o.desk.FollowedAttachment(ctx, o.zoe, target.Number, ids[name]); !errors.Is(err, request.ErrAttachmentNotFound) || data != nil {
				t.Errorf("Zoé downloads %s: %v", name, err)
			}
		}
		// Only a follower, of that request.
		if _, _, err := o.desk.FollowedAttachment(ctx, o.helene, target.Number, ids["procedure.pdf"]); !errors.Is(err, request.ErrAttachmentNotFound) {
			t.Errorf("Hélène asks it, she is no follower: %v", err)
		}
		if _, _, err := o.desk.FollowedAttachment(ctx, o.jerome, target.Number, ids["procedure.pdf"]); !errors.Is(err, request.ErrAttachmentNotFound) {
			t.Errorf("an agent without a person follows nothing: %v", err)
		}
		if _, _, err := o.desk.FollowedAttachment(ctx, o.zoe, dup.Number, ids["procedure.pdf"]); !errors.Is(err, request.ErrAttachmentNotFound) {
			t.Errorf("the file through another request: %v", err)
		}
		if _, _, err := o.desk.FollowedAttachment(ctx, o.zoe, 9999, ids["procedure.pdf"]); !errors.Is(err, request.ErrAttachmentNotFound) {
			t.Errorf("no request: %v", err)
		}
	})
}

// TestFollowerReadsAConfidentialFile: a follower's download of a file of a confidential request
// is audited, as their read of it is.
func TestFollowerReadsAConfidentialFile(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newOffice(t, d)
		ctx := context.Background()
		pay := file(t, o, "Prime oubliée", "helene@x.fr", "RH & paie")
		mine := file(t, o, "Fiche de paie fausse", "zoe@x.fr", "RH & paie")
		if _, err := o.desk.Merge(ctx, o.camille, mine.Number, pay.Number); err != nil {
			t.Fatal(err)
		}
		if _, err := o.desk.ReplyWithFiles(ctx, o.camille, pay.Number, "Les fiches corrigées.", false, request.Web,
			[]request.File{mustRead(t, "fiches.pdf", pdfFile)}); err != nil {
			t.Fatal(err)
		}
		f, err := o.desk.ReadFollowed(ctx, o.zoe, pay.Number)
		if err != nil || len(f.Files) != 1 {
			t.Fatalf("Zoé lists %+v %v", f.Files, err)
		}
		if _, _, err := o.desk.FollowedAttachment(ctx, o.zoe, pay.Number, f.Files[0].ID); err != nil {
			t.Fatal(err)
		}
		reads, _, err := o.log.List(ctx, audit.Filter{EntityType: "request", EntityID: pay.ID, Action: "request.attachment_read"})
		if err != nil || len(reads) != 1 || !strings.Contains(reads[0].After, "follower") {
			t.Fatalf("the follower's download is audited: %+v %v", reads, err)
		}
	})
}
