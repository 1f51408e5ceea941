package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"tawla/workspace"
	"tawla/workspace/sqlite"
)

// runUserAdd creates an account from the command line, typically the first
// administrator. The organisation is found by its French name, or created
// in the given college. The password is read from stdin with
// -password-stdin; otherwise the command prints a one-time invitation link.
func runUserAdd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", envOr("TAWLA_DATA", "data/tawla.db"), "SQLite database file (TAWLA_DATA)")
	baseURL := fs.String("base-url", envOr("TAWLA_BASE_URL", "http://127.0.0.1:8080"), "public address, for the invitation link (TAWLA_BASE_URL)")
	email := fs.String("email", "", "email address (required)")
	name := fs.String("name", "", "full name (required)")
	role := fs.String("role", string(workspace.RoleAdmin), "admin, secretariat, member or stakeholder")
	orgName := fs.String("organisation", "", "French name of the organisation; created if missing (required)")
	college := fs.String("college", string(workspace.CollegeLocal), "college of the organisation if it is created")
	lang := fs.String("language", "fr", "interface language: fr, ar or en")
	canVote := fs.Bool("vote", false, "give a member the voting right")
	passwordStdin := fs.Bool("password-stdin", false, "read the password from the first line of stdin instead of printing an invitation link")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *email == "" || *name == "" || *orgName == "" {
		fs.Usage()
		return fmt.Errorf("user add: -email, -name and -organisation are required")
	}

	db, err := sqlite.Open(ctx, *data)
	if err != nil {
		return err
	}
	defer db.Close()
	actor := workspace.SystemActor("command line")

	org, err := findOrCreateOrganisation(ctx, db, actor, *orgName, workspace.College(*college))
	if err != nil {
		return err
	}
	acc := &workspace.Account{
		Name: *name, Email: *email, OrganisationID: org.ID, Language: *lang,
		Role: workspace.Role(*role), CanVote: *canVote,
	}
	if *passwordStdin {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && err != io.EOF {
			return fmt.Errorf("user add: read password: %w", err)
		}
		password := strings.TrimRight(line, "\r\n")
		if err := workspace.ValidatePassword(password); err != nil {
			return fmt.Errorf("user add: %s", workspace.ErrorMessage(err))
		}
		if acc.PasswordHash, err = workspace.HashPassword(password); err != nil {
			return err
		}
	}
	if err := db.CreateAccount(ctx, actor, acc); err != nil {
		return fmt.Errorf("user add: %s", workspace.ErrorMessage(err))
	}
	fmt.Fprintf(stdout, "Account %d created: %s <%s>, %s of %s.\n", acc.ID, acc.Name, acc.Email, acc.Role, org.Name("fr"))
	if *passwordStdin {
		return nil
	}
	token, err := db.CreateInvitation(ctx, actor, acc.ID)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Open this link to set the password (valid 7 days, once):\n%s/invitations/%s\n", strings.TrimRight(*baseURL, "/"), token)
	return nil
}

func findOrCreateOrganisation(ctx context.Context, db *sqlite.DB, actor workspace.Actor, name string, college workspace.College) (*workspace.Organisation, error) {
	orgs, err := db.FindOrganisations(ctx, workspace.OrganisationFilter{})
	if err != nil {
		return nil, err
	}
	for _, o := range orgs {
		if strings.EqualFold(o.NameFR, strings.TrimSpace(name)) {
			return o, nil
		}
	}
	org := &workspace.Organisation{NameFR: name, College: college}
	if err := db.CreateOrganisation(ctx, actor, org); err != nil {
		return nil, fmt.Errorf("user add: %s", workspace.ErrorMessage(err))
	}
	return org, nil
}
