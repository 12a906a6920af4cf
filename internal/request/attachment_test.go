package request_test

import (
	"archive/zip"
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

// Small real files of each kind, as a browser would send them.
var (
	pngFile = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89")
	pdfFile = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
	oleFile = append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 504)...)
)

func zipFile(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	f, _ := w.Create("word/document.xml")
	f.Write([]byte("<w:document/>"))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestReadFileChecksKindAndSize(t *testing.T) {
	for _, tc := range []struct {
		name     string
		data     []byte
		wantType string // "" for refused
		wantName string
	}{
		{"photo.png", pngFile, "image/png", "photo.png"},
		{"facture.PDF", pdfFile, "application/pdf", "facture.PDF"},
		{"devis.docx", zipFile(t), "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "devis.docx"},
		{"archive.zip", zipFile(t), "application/zip", "archive.zip"},
		{"budget.xls", oleFile, "application/vnd.ms-excel", "budget.xls"},
		{"équipe.csv", []byte("Nom;Prénom\nThomas;Zoé\n"), "text/csv; charset=utf-8", "équipe.csv"},
		{"notes.txt", []byte("Code Wi-Fi : invite2024"), "text/plain; charset=utf-8", "notes.txt"},
		{`C:\fakepath\scan.png`, pngFile, "image/png", "scan.png"},
		{"../../etc/passwd.png", pngFile, "image/png", "passwd.png"},
		{"page.html", []byte("<!DOCTYPE html><html><script>alert(1)</script>"), "", ""},
		{"dessin.svg", []byte(`<?xml version="1.0"?><svg onload="alert(1)"/>`), "", ""},
		{"setup.exe", append([]byte("MZ\x90\x00\x03"), make([]byte, 60)...), "", ""},
		{"vide.pdf", []byte{}, "", ""},
		{"faux.doc", []byte{0x00, 0x01, 0x02, 0x03}, "", ""},
	} {
		f, err := request.ReadFile(tc.name, bytes.NewReader(tc.data))
		if tc.wantType == "" {
			if fieldCodes(err)["file"] == "" {
				t.Errorf("%s: accepted as %q, want a refusal on file (%v)", tc.name, f.ContentType, err)
			}
			continue
		}
		if err != nil || f.ContentType != tc.wantType || f.Name != tc.wantName || len(f.SHA256) != 64 || !bytes.Equal(f.Data, tc.data) {
			t.Errorf("%s: %q %q %v", tc.name, f.Name, f.ContentType, err)
		}
	}

	exact := bytes.Repeat([]byte("a"), request.MaxAttachmentSize)
	if _, err := request.ReadFile("gros.txt", bytes.NewReader(exact)); err != nil {
		t.Errorf("a file of exactly the limit is accepted: %v", err)
	}
	_, err := request.ReadFile("trop-gros.txt", bytes.NewReader(append(exact, 'b')))
	var tl *request.TooLargeError
	if !errors.As(err, &tl) || tl.Limit != 10<<20 || tl.Name != "trop-gros.txt" {
		t.Errorf("one byte over the limit: %v", err)
	}
	long := strings.Repeat("é", 300) + ".pdf"
	if f, err := request.ReadFile(long, bytes.NewReader(pdfFile)); err != nil || len([]rune(f.Name)) != 200 || !strings.HasSuffix(f.Name, ".pdf") {
		t.Errorf("a long name is cut, its extension kept: %d %v", len([]rune(f.Name)), err)
	}
}

func TestAttachmentsFollowWhoMaySee(t *testing.T) {
	testutil.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newOffice(t, d)
		ctx := context.Background()
		pay, err := o.desk.Create(ctx, request.NewRequest{Title: "Erreur sur ma fiche de paie", RequesterEmail: "zoe@x.fr", Category: "RH & paie"})
		if err != nil || !pay.Confidential {
			t.Fatalf("setup: %+v %v", pay, err)
		}
		payslip, err := o.desk.Attach(ctx, o.zoe, pay.Number, 0, "bulletin.pdf", bytes.NewReader(pdfFile))
		if err != nil || payslip.ContentType != "application/pdf" || payslip.Size != int64(len(pdfFile)) || payslip.UploaderName != "Zoé" {
			t.Fatalf("the requester attaches to her request: %+v %v", payslip, err)
		}
		// Jérôme, an agent who is not the assignee, cannot see the request: nor its files.
		if _, err := o.desk.Attach(ctx, o.jerome, pay.Number, 0, "x.pdf", bytes.NewReader(pdfFile)); !errors.Is(err, request.ErrNotFound) {
			t.Errorf("an agent attaches to a confidential request he cannot see: %v", err)
		}
		if _, data, err := o.desk.Attachment(ctx, o.jerome, pay.Number, payslip.ID); !errors.Is(err, request.ErrAttachmentNotFound) || data != nil {
			t.Errorf("an agent reads a confidential file: %v", err)
		}
		if _, err := o.desk.Attachments(ctx, o.jerome, pay); !errors.Is(err, request.ErrNotFound) {
			t.Errorf("an agent lists a confidential request's files: %v", err)
		}
		a, data, err := o.desk.Attachment(ctx, o.camille, pay.Number, payslip.ID)
		if err != nil || !bytes.Equal(data, pdfFile) || a.Filename != "bulletin.pdf" {
			t.Fatalf("the admin reads the file: %+v %v", a, err)
		}
		reads, _, err := o.log.List(ctx, audit.Filter{Action: "request.attachment_read"})
		if err != nil || len(reads) != 1 || reads[0].EntityName != pay.Ref() {
			t.Errorf("reading a confidential request's file is audited: %+v %v", reads, err)
		}
		attaches, _, _ := o.log.List(ctx, audit.Filter{Action: "request.attach"})
		if len(attaches) != 1 {
			t.Errorf("attaching is audited once: %d", len(attaches))
		}

		// On a request everyone on the desk sees, a note's files stay with the team.
		wifi, _ := o.desk.Create(ctx, request.NewRequest{Title: "Wi-Fi en panne", RequesterEmail: "zoe@x.fr"})
		note, err := o.desk.ReplyWithFiles(ctx, o.noel, wifi.Number, "", true, request.Web,
			[]request.File{mustRead(t, "routeur.png", pngFile)})
		if err != nil || !note.Internal {
			t.Fatalf("a note with only a file: %+v %v", note, err)
		}
		reply, err := o.desk.ReplyWithFiles(ctx, o.noel, wifi.Number, "Voici la procédure.", false, request.Web,
			[]request.File{mustRead(t, "procedure.pdf", pdfFile), mustRead(t, "schema.png", pngFile)})
		if err != nil {
			t.Fatal(err)
		}
		mine, err := o.desk.Attachments(ctx, o.zoe, wifi)
		if err != nil || len(mine) != 2 || mine[0].MessageID != reply.ID || mine[0].Filename != "procedure.pdf" {
			t.Fatalf("the requester sees the reply's files, not the note's: %+v %v", mine, err)
		}
		team, _ := o.desk.Attachments(ctx, o.jerome, wifi)
		if len(team) != 3 || team[0].MessageID != note.ID {
			t.Fatalf("agents see every file: %+v", team)
		}
		if _, _, err := o.desk.Attachment(ctx, o.zoe, wifi.Number, team[0].ID); !errors.Is(err, request.ErrAttachmentNotFound) {
			t.Errorf("the requester downloads a note's file: %v", err)
		}
		if _, _, err := o.desk.Attachment(ctx, o.camille, pay.Number, team[1].ID); !errors.Is(err, request.ErrAttachmentNotFound) {
			t.Errorf("a file is reached through another request's number: %v", err)
		}
		if _, err := o.desk.Attach(ctx, o.zoe, wifi.Number, note.ID, "x.png", bytes.NewReader(pngFile)); fieldCodes(err)["message_id"] == "" {
			t.Errorf("the requester attaches to a note: %v", err)
		}

		// Too many files refuse the whole message; nothing is written.
		six := make([]request.File, request.MaxAttachmentsPerMessage+1)
		for i := range six {
			six[i] = mustRead(t, "photo.png", pngFile)
		}
		before, _ := o.desk.Conversation(ctx, o.camille, wifi)
		if _, err := o.desk.ReplyWithFiles(ctx, o.noel, wifi.Number, "Photos", false, request.Web, six); fieldCodes(err)["file"] != "attachments_too_many" {
			t.Errorf("six files: %v", err)
		}
		for i := 0; i < request.MaxAttachmentsPerMessage-2; i++ {
			if _, err := o.desk.Attach(ctx, o.noel, wifi.Number, reply.ID, "plus.png", bytes.NewReader(pngFile)); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := o.desk.Attach(ctx, o.noel, wifi.Number, reply.ID, "encore.png", bytes.NewReader(pngFile)); fieldCodes(err)["file"] != "attachments_too_many" {
			t.Errorf("a sixth file on a message: %v", err)
		}
		after, _ := o.desk.Conversation(ctx, o.camille, wifi)
		if all, _ := o.desk.Attachments(ctx, o.camille, wifi); len(after) != len(before) || len(all) != 3+request.MaxAttachmentsPerMessage-2 {
			t.Errorf("refused files were written: %d messages, %d files", len(after), len(all))
		}
	})
}

func mustRead(t *testing.T, name string, data []byte) request.File {
	t.Helper()
	f, err := request.ReadFile(name, bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return f
}
