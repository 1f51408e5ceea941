package demo

import (
	"context"
	"fmt"

	"tawla/workspace"
	"tawla/workspace/sqlite"
)

// procedure is one demo procedure with the first text of its draft.
type procedure struct {
	title    string
	language string
	category workspace.ProcedureCategory
	summary  string
	draft    string
}

// procedures are two drafts the demo table is writing: one in French, one
// in Arabic. The pathways are plausible for Mahdia, but the contacts, the
// delays and the figures are invented, and each draft says so. The Arabic
// draft's first text is frozen as v1, which the table adopts and publishes
// (polls.go, publications.go): it reads as an adopted text, and the
// questions still open come later, in the draft only (versions.go).
var procedures = []procedure{
	{
		title:    "Parcours d'accompagnement d'un migrant de retour qui veut créer une petite entreprise",
		language: "fr",
		category: workspace.CategoryReferralPathway,
		summary: "Qui accueille la personne, où elle est orientée et dans quel ordre : de l'accueil au bureau régional de l'OTE " +
			"jusqu'au microcrédit et au suivi de la première année. Projet en discussion à la table.",
		draft: draftFR,
	},
	{
		title:    "مسار مرافقة المهاجر العائد في بعث مشروع فلاحي صغير",
		language: "ar",
		category: workspace.CategoryReferralPathway,
		summary: "توجيه العائد الراغب في مشروع فلاحي صغير بين المكتب الجهوي لديوان التونسيين بالخارج والمندوبية الجهوية " +
			"للتشغيل ومؤسسات التمويل والتكوين، مع آجال كل مرحلة ومتابعة السنة الأولى.",
		draft: draftAR,
	},
}

// loadProcedures stores the demo procedures with their drafts.
func loadProcedures(ctx context.Context, db *sqlite.DB, actor workspace.Actor) error {
	for _, p := range procedures {
		proc := &workspace.Procedure{Title: p.title, Language: p.language, Category: p.category, Summary: p.summary}
		if err := db.CreateProcedure(ctx, actor, proc, p.draft); err != nil {
			return fmt.Errorf("demo: procedure %q: %w", p.title, err)
		}
	}
	return nil
}

const draftFR = `# Accompagner un migrant de retour qui veut créer une petite entreprise

> **Projet de procédure commune — données de démonstration.** Les services
> existent à Mahdia, mais les contacts, les délais et les montants ci-dessous
> sont fictifs.

## 1. Objet

Ce parcours dit qui fait quoi lorsqu'une personne revenue de l'étranger
souhaite lancer une activité (commerce, artisanat, service, petite
production) et demande de l'aide. Il évite que la personne soit renvoyée
d'un guichet à l'autre sans suite.

## 2. Personnes concernées

- Tunisiennes et Tunisiens rentrés depuis moins de trois ans, quel que soit
  le motif du retour (volontaire, fin de contrat, retour contraint).
- Les membres de leur famille qui portent le projet avec eux.

## 3. Étapes

1. **Accueil et premier entretien — bureau régional de l'OTE.** L'agent
   remplit la fiche d'accueil, explique le parcours et remet la liste des
   pièces. Avec l'accord écrit de la personne, la fiche est transmise à
   l'étape suivante : la personne ne raconte pas son histoire deux fois.
2. **Orientation — Direction régionale de l'emploi et de la formation
   professionnelle.** Rendez-vous à l'Espace Entreprendre sous **10 jours
   ouvrables** ; diagnostic de l'idée et des compétences.
3. **Formation courte à la gestion** (création et gestion d'une petite
   entreprise, 5 à 10 jours) lorsque le diagnostic la recommande.
4. **Plan d'affaires**, préparé avec un conseiller ; l'association de la
   délégation peut accompagner la personne pendant cette étape.
5. **Financement.** Dépôt du dossier auprès de la Banque tunisienne de
   solidarité (BTS) ou d'une institution de microfinance ; réponse attendue
   sous **30 jours**.
6. **Suivi pendant la première année** : visites à 3, 6 et 12 mois par
   l'association de la délégation, compte rendu à la table.

## 4. Services et contacts

| Service | Rôle dans le parcours | Contact (démo) |
|:--|:--|:--|
| OTE — bureau régional de Mahdia | accueil, fiche, orientation | ote@demo.tn |
| Direction régionale de l'emploi | diagnostic, formation, plan d'affaires | dr-emploi@demo.tn |
| BTS — agence de Mahdia | microcrédit | bts-mahdia@demo.tn |
| Association des Tunisiens de retour de Mahdia | écoute, suivi, médiation | tre-mahdia@demo.tn |

## 5. Pièces à réunir

- [ ] Carte d'identité nationale
- [ ] Justificatif du retour (passeport avec tampons, attestation de l'OTE)
- [ ] Description de l'idée de projet (une page suffit)
- [ ] Devis des équipements, s'il y en a

## 6. Engagements de service

| Étape | Délai maximal | Indicateur suivi par le secrétariat |
|:--|:-:|:--|
| Accueil → rendez-vous d'orientation | 10 jours ouvrables | part des rendez-vous tenus |
| Dossier complet → réponse de financement | 30 jours | délai moyen constaté |

## 7. Questions à trancher en réunion

- Faut-il un interlocuteur unique (« référent ») pour toute la durée du parcours ?
- Comment partager la fiche d'accueil entre services, avec l'accord de la personne ?
- Voir aussi la version arabe du parcours pour les projets agricoles.
`

const draftAR = `# مسار مرافقة المهاجر العائد في بعث مشروع فلاحي صغير

> **بيانات تجريبية.** المصالح المذكورة في هذا الإجراء موجودة بولاية المهدية،
> أمّا جهات الاتصال والآجال الواردة فيه فهي خيالية، وُضعت لغرض العرض فقط.

## 1. الهدف

يحدّد هذا المسار من يتولّى ماذا عندما يرغب مهاجر عائد في بعث مشروع فلاحي
صغير (تربية النحل، زراعات محمية، تربية الماشية، تحويل زيت الزيتون)، حتى لا
يتنقّل بين الشبابيك دون نتيجة.

## 2. الفئة المعنية

- التونسيون العائدون منذ أقل من ثلاث سنوات، مهما كان سبب العودة.
- أفراد العائلة الذين يشاركون في المشروع.

## 3. المراحل

1. **الاستقبال — المكتب الجهوي لديوان التونسيين بالخارج (OTE).** تعمير
   بطاقة الاستقبال وتسليم قائمة الوثائق، ثم إحالة البطاقة بموافقة كتابية من
   المعني بالأمر.
2. **التوجيه — المندوبية الجهوية للتشغيل والتكوين المهني.** موعد في أجل
   **10 أيام عمل** لتشخيص الفكرة والكفاءات.
3. **الإرشاد الفلاحي** لدى المندوبية الجهوية للتنمية الفلاحية (CRDA) لدراسة
   الأرض والماء والسلسلة المناسبة.
4. **التكوين** في التصرف في مشروع صغير وفي التقنيات الفلاحية عند الحاجة.
5. **التمويل**: إيداع الملف لدى البنك التونسي للتضامن (BTS) أو إحدى مؤسسات
   التمويل الصغير، والرد في أجل **30 يومًا**.
6. **المتابعة خلال السنة الأولى**: زيارات بعد 3 و6 و12 شهرًا من قبل جمعية
   المعتمدية، مع تقرير إلى الطاولة.

## 4. المصالح وجهات الاتصال

| المصلحة | دورها في المسار | جهة الاتصال (تجريبية) |
|:--|:--|:--|
| ديوان التونسيين بالخارج — المكتب الجهوي | الاستقبال والإحالة | ote@demo.tn |
| المندوبية الجهوية للتشغيل | التشخيص والتكوين | dr-emploi@demo.tn |
| المندوبية الجهوية للتنمية الفلاحية | الإرشاد الفلاحي | crda-mahdia@demo.tn |
| البنك التونسي للتضامن — فرع المهدية | القرض الصغير | bts-mahdia@demo.tn |

## 5. الوثائق المطلوبة

- [ ] بطاقة التعريف الوطنية
- [ ] ما يثبت العودة (جواز السفر أو شهادة من الديوان)
- [ ] وصف مختصر لفكرة المشروع
- [ ] ما يثبت التصرف في الأرض (عقد كراء أو ملكية)

## 6. في حال وجود صعوبة

- إذا تجاوزت إحدى المراحل الأجل المحدّد لها، أو لم يتلقَّ المعني بالأمر ردًّا
  على ملفه، يمكنه الاتصال بكتابة الطاولة (secretariat@demo.tn) أو الحضور إلى
  المكتب الجهوي لديوان التونسيين بالخارج، مع ذكر تاريخ استقباله الأول.
- تتّصل الكتابة بالمصلحة المعنية وتُعلم المعني بالأمر بما تقرّر في أجل أقصاه
  **7 أيام عمل**.
- لا يمسّ ذلك بحقّ المعني بالأمر في التظلّم لدى المصلحة المعنية وفق
  التراتيب الجاري بها العمل.
`
