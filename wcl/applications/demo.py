"""Demo data: an open call at the Osh lab with questions, a rubric, submitted
applications reviewed by the demo reviewers, and one accepted application
(participant@wcl.example, whom the cohorts demo enrols)."""

import io
from datetime import timedelta

from PIL import Image
from werkzeug.datastructures import FileStorage

from wcl.accounts.demo import DEMO_PASSWORD, demo_user
from wcl.accounts.permissions import Role
from wcl.accounts.services import create_user, save_demographics
from wcl.applications import services
from wcl.applications.models import Application, ApplicationStatus
from wcl.extensions import db
from wcl.labs.models import Lab
from wcl.time import utcnow

CALL_SLUG = "osh-creative-lab-spring-2026"  # slugify(the English title)

EXTRA_APPLICANTS = (
    # email, name, demographics, answers (craft, plan, experience, years), scores per reviewer
    (
        "asel@wcl.example",
        "Asel Toktosunova",
        {
            "gender": "woman",
            "birth_year": 1999,
            "region": "KG-O",
            "settlement": "rural",
            "creative_domain": "V_ARTS",
        },
        ("Felt carpets (shyrdak)", "Sell shyrdaks to tourists in Osh and online.", "Experienced", "6"),
        ((5, 4, 4), (4, 4, 5)),
    ),
    (
        "zhyldyz@wcl.example",
        "Zhyldyz Mamatova",
        {
            "gender": "woman",
            "birth_year": 1988,
            "region": "KG-GO",
            "settlement": "urban",
            "creative_domain": "DESIGN",
        },
        ("Clothing design", "A small sewing workshop with two employees.", "Experienced", "10"),
        ((4, 3, 4), (2, 2, 3)),
    ),
    (
        "nazira@wcl.example",
        "Nazira Abdykadyrova",
        {
            "gender": "woman",
            "birth_year": 2003,
            "region": "KG-J",
            "settlement": "rural",
            "wg_walking": "a_lot",
        },
        ("Ceramics", "Teach pottery to girls in my village.", "Beginner", "1"),
        ((3, 3, 3), (3, 4, 3)),
    ),
    (
        "meerim@wcl.example",
        "Meerim Sadykova",
        None,
        ("Photography", "Wedding and portrait photography studio.", "Beginner", "2"),
        ((2, 2, 2), (3, 2, 2)),
    ),
)
PARTICIPANT_DEMOGRAPHICS = {
    "gender": "woman",
    "birth_year": 1996,
    "region": "KG-O",
    "settlement": "urban",
    "creative_domain": "V_ARTS",
}
PARTICIPANT_ANSWERS = (
    "Embroidery (kurak)",
    "Open a shop for patchwork goods in Osh bazaar.",
    "Experienced",
    "8",
)


def _photo():
    out = io.BytesIO()
    Image.new("RGB", (320, 240), (155, 29, 90)).save(out, "JPEG")
    out.seek(0)
    return FileStorage(stream=out, filename="my-work.jpg", content_type="image/jpeg")


CALL_TEXTS = {
    "title_en": "Osh Creative Lab — spring 2026",
    "title_ru": "Творческая лаборатория Ош — весна 2026",
    "title_ky": "Ош чыгармачылык лабораториясы — 2026-жылдын жазы",
    "description_en": "Four months of workshops, a personal mentor and help to prepare a "
    "crowdfunding campaign for your creative business.",
    "description_ru": "Четыре месяца мастер-классов, личный наставник и помощь в подготовке "
    "краудфандинговой кампании для вашего творческого дела.",
    "description_ky": "Төрт ай бою мастер-класстар, жеке насаатчы жана чыгармачыл ишиңиз үчүн "
    "краудфандинг кампаниясын даярдоого жардам.",
    "eligibility_en": "Women aged 18 and over living in Osh, Jalal-Abad or Batken region.",
    "eligibility_ru": "Женщины от 18 лет, живущие в Ошской, Джалал-Абадской или Баткенской области.",
    "eligibility_ky": "Ош, Жалал-Абад же Баткен облусунда жашаган 18 жаштан жогорку аялдар.",
}
QUESTIONS = (
    # kind, label en / ru / ky, required, English options (one per line)
    ("short_text", "What is your craft?", "Чем вы занимаетесь?", "Эмне менен алектенесиз?", True, ""),
    (
        "long_text",
        "What do you want to achieve in the lab?",
        "Чего вы хотите достичь в лаборатории?",
        "Лабораторияда эмнеге жетишүүнү каалайсыз?",
        True,
        "",
    ),
    ("choice", "Your experience", "Ваш опыт", "Тажрыйбаңыз", False, "Beginner\nExperienced"),
    (
        "number",
        "How many years have you worked in your craft?",
        "Сколько лет вы этим занимаетесь?",
        "Канча жылдан бери бул иш менен алектенесиз?",
        False,
        "",
    ),
    ("file", "A photo of your work", "Фото вашей работы", "Ишиңиздин сүрөтү", False, ""),
)
CRITERIA = (
    # label en / ru / ky, weight
    ("Originality", "Оригинальность", "Өзгөчөлүгү", 2),
    ("Feasibility of the plan", "Реалистичность плана", "Пландын ишке ашуучулугу", 2),
    ("Benefit to the community", "Польза для сообщества", "Коомчулукка пайдасы", 1),
)


def _create_call(staff, lab):
    call = open_demo_call(staff, lab, CALL_TEXTS, closes_in_days=30, reviews_required=2, blind_review=True)
    for kind, en, ru, ky, required, options in QUESTIONS:
        services.add_question(
            staff,
            call,
            {
                "kind": kind,
                "label_en": en,
                "label_ru": ru,
                "label_ky": ky,
                "required": required,
                "options_en": options,
                "options_ru": "Начинающая\nОпытная" if options else "",
                "options_ky": "Жаңы баштаган\nТажрыйбалуу" if options else "",
            },
        )
    add_demo_criteria(staff, call, CRITERIA)
    return call


def open_demo_call(staff, lab, texts, *, closes_in_days, reviews_required, blind_review):
    """A demo call at ``lab`` with ``texts`` (titles, descriptions, eligibility per language),
    opened ten days ago and closing ``closes_in_days`` from now (the teams demo uses it too)."""
    now = utcnow()
    return services.create_call(
        staff,
        {
            "lab_id": lab.id,
            **texts,
            "opens_at": now - timedelta(days=10),
            "closes_at": now + timedelta(days=closes_in_days),
            "reviews_required": reviews_required,
            "blind_review": blind_review,
        },
    )


def add_demo_criteria(staff, call, criteria):
    """The rubric of a demo call: ``criteria`` as (label en, ru, ky, weight), each scored 1 to 5."""
    for en, ru, ky, weight in criteria:
        services.add_criterion(
            staff,
            call,
            {
                "label_en": en,
                "label_ru": ru,
                "label_ky": ky,
                "weight": weight,
                "min_score": 1,
                "max_score": 5,
            },
        )


def _apply(user, call, answers, submit=True):
    application = services.start_application(user, call)
    services.save_about(user, application, user.full_name, "+996 555 000 000", "Osh", None)
    questions = call.questions
    services.save_answers(user, application, {q.id: a for q, a in zip(questions[:4], answers, strict=True)})
    services.add_attachment(user, application, _photo(), questions[4].id)
    services.finish_files_step(user, application)
    if submit:
        services.submit_application(user, application)
    return application


def load():
    """Create the demo call and its applications once (idempotent)."""
    if services.get_call_by_slug(CALL_SLUG) is not None:
        return [f"Applications: open call at /calls/{CALL_SLUG} (already loaded)"]
    staff = demo_user("staff@wcl.example")
    lab = db.session.scalar(db.select(Lab).where(Lab.slug == "osh"))
    call = _create_call(staff, lab)
    scores = {}
    for email, name, demographics, answers, review_scores in EXTRA_APPLICANTS:
        user = demo_user(email) or create_user(email, DEMO_PASSWORD, name, [Role.APPLICANT])
        if demographics:
            save_demographics(user, demographics)
        scores[_apply(user, call, answers).id] = review_scores
    participant = demo_user("participant@wcl.example")
    if participant.demographics is None:
        save_demographics(participant, PARTICIPANT_DEMOGRAPHICS)
    accepted = _apply(participant, call, PARTICIPANT_ANSWERS)
    scores[accepted.id] = ((5, 5, 4), (5, 4, 5))
    # The demo applicant has a draft half done, to show resuming.
    applicant = demo_user("applicant@wcl.example")
    draft = services.start_application(applicant, call)
    services.save_about(applicant, draft, applicant.full_name, "", "Kara-Suu", None)

    services.auto_assign(staff, call)
    reviewers = [demo_user("reviewer@wcl.example"), demo_user("reviewer2@wcl.example")]
    comments = ("Clear plan and strong samples.", "Good idea; the budget needs work.")
    for application_id, per_reviewer in scores.items():
        application = db.session.get(Application, application_id)
        for reviewer, values, comment in zip(reviewers, per_reviewer, comments, strict=True):
            services.save_review(
                reviewer, application, {c.id: v for c, v in zip(call.criteria, values, strict=True)}, comment
            )
    services.decide(staff, [accepted.id], ApplicationStatus.ACCEPTED, "Welcome to the spring cohort!")
    return [
        f"Applications: open call at /calls/{CALL_SLUG} with {len(scores)} reviewed applications;",
        "  participant@wcl.example is accepted; applicant@wcl.example has a draft;",
        f"  extra applicants: {', '.join(a[0] for a in EXTRA_APPLICANTS)}",
    ]
