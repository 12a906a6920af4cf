package cli

import (
	"context"
	"errors"
	"fmt"
	"io"

	"majordome/internal/app"
	"majordome/internal/config"
	"majordome/internal/pack"
)

// runPackExport writes the whole bible (articles, reply templates, checklists) as a pack: a
// folder, or a zip when the name ends in .zip.
func runPackExport(ctx context.Context, e *env, args []string) error {
	var cfg config.Config
	fs := flags(e, "pack export", "DIR|FILE.zip", &cfg)
	name := fs.String("name", "Bible exportée de Majordome", "the pack's name, written in its pack.yaml")
	if err := parse(fs, args, &cfg); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("%w: give the folder (or the .zip file) to export to", config.ErrUsage)
	}
	dest := fs.Arg(0)
	a, err := app.Open(ctx, cfg, logger(e, cfg))
	if err != nil {
		return err
	}
	defer a.Close()
	files, err := a.Packs.Export(ctx, pack.Meta{Name: *name, Language: "fr"})
	if err != nil {
		return err
	}
	if pack.IsZipPath(dest) {
		err = pack.WriteZip(dest, files)
	} else {
		err = pack.WriteDir(dest, files)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Exported %d file(s) to %s.\n", len(files)-1, dest)
	return nil
}

// runPackImport imports a pack folder or zip, all or nothing, after showing what changes.
func runPackImport(ctx context.Context, e *env, args []string) error {
	var cfg config.Config
	fs := flags(e, "pack import", "DIR|FILE.zip", &cfg)
	dry := fs.Bool("dry-run", false, "check the pack and show what would change, without writing")
	lang := fs.String("lang", "en", "language of the messages: fr or en")
	if err := parse(fs, args, &cfg); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("%w: give the pack's folder or .zip file", config.ErrUsage)
	}
	src, err := pack.ReadPath(fs.Arg(0))
	if err != nil {
		return err
	}
	a, err := app.Open(ctx, cfg, logger(e, cfg))
	if err != nil {
		return err
	}
	defer a.Close()
	run := a.Packs.Import
	if *dry {
		run = a.Packs.Check
	}
	plan, err := run(cliActor(ctx), src)
	var probs pack.Problems
	if errors.As(err, &probs) {
		fmt.Fprintf(e.stderr, "Nothing was imported: %d problem(s) in %s.\n", len(probs), fs.Arg(0))
		for _, p := range probs {
			fmt.Fprintf(e.stderr, "  %s\n", pack.Describe(a.I18n, *lang, p))
		}
		return errors.New("the pack has errors; fix them and run the import again")
	}
	if err != nil {
		return err
	}
	printPlan(e.stdout, plan)
	verb := "Imported"
	if *dry {
		verb = "Dry run, nothing written:"
	}
	files := ""
	if plan.Files > 0 {
		files = fmt.Sprintf(", %d file(s) stored with the articles", plan.Files)
	}
	fmt.Fprintf(e.stdout, "%s %d new, %d updated, %d unchanged%s.\n", verb, plan.Created, plan.Updated, plan.Unchanged,
		files)
	return nil
}

// printPlan lists the files that create or change something, one per line.
func printPlan(w io.Writer, plan *pack.Plan) {
	for _, c := range plan.Changes {
		switch c.Action {
		case pack.Create:
			fmt.Fprintf(w, "  + %s (new %s): %s\n", c.File, c.Kind, c.Title)
			for _, f := range c.Files {
				fmt.Fprintf(w, "      + %s\n", f)
			}
		case pack.Update:
			fmt.Fprintf(w, "  ~ %s (%s): %s\n", c.File, c.Kind, c.Title)
			for _, d := range c.Diffs {
				switch d.Field {
				case "body":
					fmt.Fprintf(w, "      text: %s line(s) removed, %s added\n", d.Before, d.After)
				case "task":
					fmt.Fprintf(w, "      task %d: %q → %q\n", d.Row, d.Before, d.After)
				case "other":
					fmt.Fprintln(w, "      changed")
				case "file":
					fmt.Fprintf(w, "      + %s\n", d.After)
				default:
					fmt.Fprintf(w, "      %s: %q → %q\n", d.Field, d.Before, d.After)
				}
			}
		}
	}
	if len(plan.Images) > 0 {
		fmt.Fprintf(w, "  %d file(s) not imported: no article links to them, and they are not in files/ARTICLE/.\n",
			len(plan.Images))
	}
}
