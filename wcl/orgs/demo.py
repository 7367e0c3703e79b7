"""Demo: a dozen partner organisations of the kinds the programme works with (a city
administration, an ayil okmotu, donors, a bank, a university, media…), their
partnerships with the labs, a representative, and community directory entries.

Built through the services, so the demo also exercises the real rules.
"""

from datetime import date

from wcl.accounts.demo import demo_user
from wcl.extensions import db
from wcl.labs.models import Lab
from wcl.orgs import services
from wcl.orgs.models import Organisation

# kind, (en, ru, ky), sector, region, profile (en, ru, ky), [(partnership kind, lab slug or None, starts)]
ORGANISATIONS = (
    ("city_admin", ("Osh city mayor's office", "Мэрия города Ош", "Ош шаарынын мэриясы"), "local government", "KG-GO",
     ("Co-runs the Incubation for Creative Events with the programme.",
      "Вместе с программой проводит «Инкубацию творческих событий».",
      "Программа менен бирге «Чыгармачыл иш-чаралар инкубациясын» өткөрөт."),
     [("co_organises_events", "osh", date(2026, 3, 1)), ("hosts_lab", "osh", date(2025, 9, 1))]),
    ("donor", ("UNDP Kyrgyzstan", "ПРООН в Кыргызстане", "Кыргызстандагы БУУӨП"), "development", "KG-GB",
     ("Supports women's entrepreneurship in the regions.", "Поддерживает женское предпринимательство в регионах.",
      "Аймактардагы аялдардын ишкердигин колдойт."),
     [("sponsors_pool", None, date(2026, 1, 15))]),
    ("state_body", ("At-Bashy ayil okmotu", "Айыл окмоту Ат-Баши", "Ат-Башы айыл өкмөтү"), "local government", "KG-N",
     ("Gives the village lab its room in the House of Culture.", "Предоставляет сельской лаборатории помещение в Доме культуры.",
      "Айылдык лабораторияга Маданият үйүнөн бөлмө берет."),
     [("hosts_lab", "at-bashy", date(2025, 10, 1))]),
    ("company", ("Ayil Bank", "Айыл Банк", "Айыл Банк"), "banking", "KG-GB",
     ("Teaches financial literacy and matches pledges.", "Проводит уроки финансовой грамотности и удваивает взносы.",
      "Каржылык сабаттуулукка окутат жана салымдарды эки эселейт."),
     [("sponsors_pool", None, date(2026, 4, 1)), ("mentors", "jalal-abad", date(2026, 2, 1))]),
    ("academia", ("Osh State University", "Ошский государственный университет", "Ош мамлекеттик университети"), "education", "KG-GO",
     ("Its design faculty mentors participants.", "Преподаватели факультета дизайна наставляют участниц.",
      "Дизайн факультетинин окутуучулары катышуучуларга насаатчылык кылат."),
     [("mentors", "osh", date(2025, 9, 1))]),
    ("media", ("Kloop Media", "Kloop Media", "Kloop Media"), "media", "KG-GB",
     ("Tells the stories of women creators.", "Рассказывает истории женщин-мастериц.", "Чыгармачыл аялдардын окуяларын айтып берет."),
     [("co_organises_events", None, date(2026, 5, 1))]),
    ("ngo", ("Kyrgyz Felt Makers Union", "Союз войлочных мастеров Кыргызстана", "Кыргызстандын кийиз чеберлер союзу"), "crafts", "KG-N",
     ("Keeps the shyrdak and ala-kiyiz traditions alive.", "Хранит традиции шырдака и ала-кийиза.", "Шырдак жана ала-кийиз салттарын сактайт."),
     [("mentors", "kochkor", date(2025, 11, 1))]),
    ("donor", ("GIZ Kyrgyzstan", "GIZ в Кыргызстане", "Кыргызстандагы GIZ"), "development", "KG-GB",
     ("Funds training on export of creative goods.", "Финансирует обучение экспорту творческих товаров.",
      "Чыгармачыл товарларды экспорттоо боюнча окутууну каржылайт."),
     [("co_organises_events", "batken", date(2026, 3, 15))]),
    ("company", ("Beeline Kyrgyzstan", "Beeline Кыргызстан", "Beeline Кыргызстан"), "telecoms", "KG-GB",
     ("Gives mobile data for online sessions in the villages.", "Даёт мобильный интернет для онлайн-занятий в сёлах.",
      "Айылдардагы онлайн сабактар үчүн мобилдик интернет берет."),
     [("sponsors_pool", None, date(2026, 6, 1))]),
    ("city_admin", ("Batken city administration", "Мэрия города Баткен", "Баткен шаарынын мэриясы"), "local government", "KG-B",
     ("Hosts the Batken lab's fair each autumn.", "Каждую осень проводит ярмарку баткенской лаборатории.",
      "Ар күзүндө Баткен лабораториясынын жарманкесин өткөрөт."),
     [("hosts_lab", "batken", date(2025, 9, 1))]),
    ("ngo", ("Jalal-Abad Women's Business Club", "Клуб деловых женщин Джалал-Абада", "Жалал-Абаддын ишкер аялдар клубу"), "business support", "KG-J",
     ("Members mentor new entrepreneurs.", "Участницы клуба наставляют начинающих предпринимательниц.",
      "Клубдун мүчөлөрү жаңы ишкер аялдарга насаатчылык кылышат."),
     [("mentors", "jalal-abad", date(2026, 1, 10))]),
    ("academia", ("Naryn State University", "Нарынский государственный университет", "Нарын мамлекеттик университети"), "education", "KG-N",
     ("Hosts a design workshop for the Kyzart lab.", "Проводит мастерскую дизайна для лаборатории Кызарт.",
      "Кызарт лабораториясы үчүн дизайн устаканасын өткөрөт."),
     [("co_organises_events", "kyzart", date(2026, 2, 20))]),
)  # fmt: skip
DIRECTORY = (  # organisations that chose to be listed: (English name, creative domain)
    ("Kyrgyz Felt Makers Union", "V_ARTS"),
    ("Osh State University", "DESIGN"),
    ("Kloop Media", "AV_MEDIA"),
    ("Jalal-Abad Women's Business Club", "DESIGN"),
)


def _org(staff, kind, names, sector, region, profiles):
    data = {"kind": kind, "sector": sector, "region": region}
    data.update({f"name_{loc}": names[i] for i, loc in enumerate(("en", "ru", "ky"))})
    data.update({f"profile_{loc}": profiles[i] for i, loc in enumerate(("en", "ru", "ky"))})
    return services.create_organisation(staff, data)


def load():
    """Create the demo organisations once; later runs only print what exists."""
    staff = demo_user("admin@wcl.example")
    if staff is None:
        return ["Organisations: skipped (run the accounts demo first)."]
    count = db.session.scalar(db.select(db.func.count(Organisation.id)))
    if count:
        return [f"Organisations: {count} already loaded (/organisations/)."]
    labs = {lab.slug: lab.id for lab in db.session.scalars(db.select(Lab))}
    by_name = {}
    partnerships = 0
    for kind, names, sector, region, profiles, links in ORGANISATIONS:
        org = _org(staff, kind, names, sector, region, profiles)
        by_name[names[0]] = org
        for partnership_kind, lab_slug, starts_on in links:
            data = {"kind": partnership_kind, "lab_id": labs.get(lab_slug), "starts_on": starts_on}
            services.save_partnership(staff, org, data)
            partnerships += 1
    for name, domain in DIRECTORY:
        org = by_name[name]
        services.join_as_organisation(
            staff,
            org,
            {
                "display_name": org.name("en"),
                "creative_domain": domain,
                "region": org.region,
                "consent": True,
            },
        )
    participant = demo_user("participant@wcl.example")
    if participant is not None:
        services.add_member(staff, by_name["Kyrgyz Felt Makers Union"], participant.email, "representative")
        services.join_community(
            participant,
            {
                "display_name": f"{participant.public_name.split()[0]} felt studio",
                "creative_domain": "V_ARTS",
                "region": "KG-O",
                "about": "Felt toys and shyrdak cushions.",
                "consent": True,
            },
        )
    return [
        f"Organisations: {len(ORGANISATIONS)} with {partnerships} partnerships (/organisations/); "
        f"community directory (/community/)."
    ]
