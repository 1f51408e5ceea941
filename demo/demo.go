// Package demo fills a new Tawla database with a demo table: a plausible
// regional coordination table of the governorate of Mahdia, with its
// organisations in the five colleges, about twenty people, and two draft
// procedures (one in French, one in Arabic), with the meetings that
// discussed them: a plenary and an Arabic working group held and closed,
// with their decisions, actions and minutes, and the next ones planned
// (meetings.go); and the issues brought to the table, with their comments,
// links to the meetings and procedures, and notifications (issues.go);
// the votes held (polls.go); and the register (publications.go): a
// reception procedure published in two French editions with its Arabic
// translation as one entry, the agricultural pathway adopted by vote, and
// an earlier entry withdrawn and replaced.
//
// Everything here is demo data. The people are fictional, the associations,
// the partner NGO and the international programme office are invented, and
// every organisation's contact line says "donnée de démonstration". The
// names of the State services and local authorities are those a Mahdia table
// would have, but nobody in them is real. Every demo account logs in with
// Password, which is public: never load the demo into a database that real
// people use.
package demo

import (
	"context"
	"fmt"

	"tawla/workspace"
	"tawla/workspace/sqlite"
)

// Password is the password of every demo account.
const Password = "demo-tawla-2026"

// The demo logins, one per role.
const (
	// AdminEmail logs in as the table's administrator.
	AdminEmail = "admin@demo.tn"
	// SecretariatEmail logs in as the secretariat.
	SecretariatEmail = "secretariat@demo.tn"
	// MemberEmail logs in as a member with a voting right.
	MemberEmail = "member@demo.tn"
	// StakeholderEmail logs in as a stakeholder.
	StakeholderEmail = "stakeholder@demo.tn"
)

// ActorName is the name the audit log records for the changes Load makes.
const ActorName = "demo"

// ContactNote ends every demo organisation's contact line, so that the
// interface itself says the data is not real.
const ContactNote = " — donnée de démonstration / بيانات تجريبية"

// organisation is one demo organisation; key names it for the people below.
type organisation struct {
	key        string
	nameFR     string
	nameAR     string
	college    workspace.College
	delegation string
	contact    string
}

// organisations are the demo table's member bodies. The regional directions
// sit in Mahdia, the chief town of the governorate; associations and
// communes are spread over its delegations. The governorate hosts the
// secretariat of the table, as in the action that Tawla serves.
var organisations = []organisation{
	// State services.
	{"dr-emploi", "Direction régionale de l'emploi et de la formation professionnelle", "المندوبية الجهوية للتشغيل والتكوين المهني",
		workspace.CollegeState, "Mahdia", "dr-emploi@demo.tn, Mahdia"},
	{"dr-social", "Direction régionale des affaires sociales", "الإدارة الجهوية للشؤون الاجتماعية",
		workspace.CollegeState, "Mahdia", "dr-social@demo.tn, Mahdia"},
	{"dr-sante", "Direction régionale de la santé", "الإدارة الجهوية للصحة",
		workspace.CollegeState, "Mahdia", "dr-sante@demo.tn, Mahdia"},
	{"ote", "Office des Tunisiens à l'étranger — bureau régional de Mahdia", "ديوان التونسيين بالخارج — المكتب الجهوي بالمهدية",
		workspace.CollegeState, "Mahdia", "ote@demo.tn, Mahdia"},

	// Civil society.
	{"adl-eljem", "Association pour le développement local d'El Jem", "جمعية التنمية المحلية بالجم",
		workspace.CollegeCivil, "El Jem", "adl-eljem@demo.tn, El Jem"},
	{"femmes-chebba", "Association Femmes et Citoyenneté de Chebba", "جمعية المرأة والمواطنة بالشابة",
		workspace.CollegeCivil, "Chebba", "femmes-chebba@demo.tn, Chebba"},
	{"jeunes-boumerdes", "Association Jeunesse et Initiative de Bou Merdes", "جمعية الشباب والمبادرة ببومرداس",
		workspace.CollegeCivil, "Bou Merdes", "jeunes-boumerdes@demo.tn, Bou Merdes"},

	// Local authorities.
	{"gouvernorat", "Gouvernorat de Mahdia — secrétariat de la table (démo)", "ولاية المهدية — كتابة الطاولة (تجريبي)",
		workspace.CollegeLocal, "Mahdia", "secretariat@demo.tn, siège du gouvernorat, Mahdia"},
	{"commune-mahdia", "Commune de Mahdia", "بلدية المهدية",
		workspace.CollegeLocal, "Mahdia", "commune-mahdia@demo.tn, Mahdia"},
	{"commune-ksour-essef", "Commune de Ksour Essef", "بلدية قصور الساف",
		workspace.CollegeLocal, "Ksour Essef", "commune-ksour-essef@demo.tn, Ksour Essef"},

	// Returnees' representatives.
	{"tre-mahdia", "Association des Tunisiens de retour de Mahdia", "جمعية التونسيين العائدين بالمهدية",
		workspace.CollegeReturnees, "Mahdia", "tre-mahdia@demo.tn, Mahdia"},
	{"tre-sidi-alouane", "Collectif des migrants de retour de Sidi Alouane", "تنسيقية المهاجرين العائدين بسيدي علوان",
		workspace.CollegeReturnees, "Sidi Alouane", "tre-sidi-alouane@demo.tn, Sidi Alouane"},

	// Partners.
	{"ponts", "Ponts Méditerranée — ONG partenaire", "جسور المتوسط — منظمة غير حكومية شريكة",
		workspace.CollegePartner, "Mahdia", "ponts@demo.tn, Mahdia"},
	{"programme-migration", "Bureau du programme Migration et Développement (organisation internationale)", "مكتب برنامج الهجرة والتنمية (منظمة دولية)",
		workspace.CollegePartner, "Mahdia", "programme-migration@demo.tn, Mahdia"},
}

// person is one demo account; org is the key of its organisation.
type person struct {
	name    string
	email   string
	org     string
	lang    string
	role    workspace.Role
	canVote bool
}

// people are the demo accounts. One member per voting organisation holds
// the vote; the partners take part without a vote.
var people = []person{
	// Administration and secretariat, hosted by the governorate.
	{"Sami Ben Salah", AdminEmail, "gouvernorat", "fr", workspace.RoleAdmin, false},
	{"Amel Trabelsi", SecretariatEmail, "gouvernorat", "fr", workspace.RoleSecretariat, false},
	{"ليلى الهمامي", "leila.hammami@demo.tn", "gouvernorat", "ar", workspace.RoleSecretariat, false},

	// Members.
	{"Mohamed Ali Gharbi", MemberEmail, "dr-emploi", "fr", workspace.RoleMember, true},
	{"Nizar Bouzid", "nizar.bouzid@demo.tn", "dr-emploi", "fr", workspace.RoleMember, false},
	{"Hela Jaziri", "hela.jaziri@demo.tn", "dr-social", "fr", workspace.RoleMember, true},
	{"منير بن عمر", "mounir.benamor@demo.tn", "dr-sante", "ar", workspace.RoleMember, true},
	{"Rim Sassi", "rim.sassi@demo.tn", "ote", "fr", workspace.RoleMember, true},
	{"Wafa Mabrouk", "wafa.mabrouk@demo.tn", "adl-eljem", "fr", workspace.RoleMember, true},
	{"سلوى الشابي", "salwa.chebbi@demo.tn", "femmes-chebba", "ar", workspace.RoleMember, true},
	{"Yassine Kefi", "yassine.kefi@demo.tn", "jeunes-boumerdes", "fr", workspace.RoleMember, true},
	{"Kamel Ayari", "kamel.ayari@demo.tn", "commune-mahdia", "fr", workspace.RoleMember, true},
	{"نجلاء الزواري", "najla.zouari@demo.tn", "commune-ksour-essef", "ar", workspace.RoleMember, true},
	{"Fethi Hamdi", "fethi.hamdi@demo.tn", "tre-mahdia", "fr", workspace.RoleMember, true},
	{"عادل المسعودي", "adel.messaoudi@demo.tn", "tre-sidi-alouane", "ar", workspace.RoleMember, true},
	{"Giulia Rossi", "giulia.rossi@demo.tn", "programme-migration", "en", workspace.RoleMember, false},

	// Stakeholders: invited experts and associations outside the table.
	{"Imen Khelifi", StakeholderEmail, "ponts", "fr", workspace.RoleStakeholder, false},
	{"Anis Dridi", "anis.dridi@demo.tn", "adl-eljem", "fr", workspace.RoleStakeholder, false},
	{"مريم القاسمي", "meriem.gasmi@demo.tn", "tre-mahdia", "ar", workspace.RoleStakeholder, false},
	{"Olfa Ben Youssef", "olfa.benyoussef@demo.tn", "jeunes-boumerdes", "fr", workspace.RoleStakeholder, false},
}

// Load fills db with the demo table. It refuses, with an ECONFLICT error, a
// database that already holds an organisation, so that demo data never mixes
// with real data: load it into a new file. The audit log records the changes
// as made by ActorName, but the comments on issues, which are their authors'
// (an issue's comment has no author other than the one who writes it), and
// the looks at issues' personal details, which are the people's who looked.
//
// Each organisation and account is stored in its own transaction, so a Load
// that fails halfway leaves part of the demo behind; start again from a new
// file.
func Load(ctx context.Context, db *sqlite.DB) error {
	existing, err := db.FindOrganisations(ctx, workspace.OrganisationFilter{})
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	if len(existing) > 0 {
		return workspace.Errorf(workspace.ECONFLICT,
			"The database already holds %d organisations; demo data is only loaded into a new database.", len(existing))
	}

	// Argon2id is deliberately slow: hash the shared password once.
	hash, err := workspace.HashPassword(Password)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	actor := workspace.SystemActor(ActorName)

	ids := make(map[string]int64, len(organisations))
	for _, o := range organisations {
		org := &workspace.Organisation{
			NameFR:     o.nameFR,
			NameAR:     o.nameAR,
			College:    o.college,
			Delegation: o.delegation,
			Contact:    o.contact + ContactNote,
		}
		if err := db.CreateOrganisation(ctx, actor, org); err != nil {
			return fmt.Errorf("demo: organisation %q: %w", o.key, err)
		}
		ids[o.key] = org.ID
	}

	for _, p := range people {
		orgID, ok := ids[p.org]
		if !ok {
			return fmt.Errorf("demo: %s: unknown organisation %q", p.email, p.org)
		}
		acc := &workspace.Account{
			Name:           p.name,
			Email:          p.email,
			OrganisationID: orgID,
			Language:       p.lang,
			Role:           p.role,
			CanVote:        p.canVote,
			PasswordHash:   hash,
		}
		if err := db.CreateAccount(ctx, actor, acc); err != nil {
			return fmt.Errorf("demo: account %s: %w", p.email, err)
		}
	}
	if err := loadProcedures(ctx, db, actor); err != nil {
		return err
	}
	if err := loadVersions(ctx, db, actor); err != nil {
		return err
	}
	if err := loadComments(ctx, db, actor); err != nil {
		return err
	}
	if err := loadMeetings(ctx, db, actor); err != nil {
		return err
	}
	if err := loadIssues(ctx, db, actor); err != nil {
		return err
	}
	if err := loadPolls(ctx, db, actor); err != nil {
		return err
	}
	return loadPublications(ctx, db, actor)
}
