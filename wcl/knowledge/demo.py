"""Demo: twenty resources in the knowledge bank, in Kyrgyz, Russian and English:
articles, video links, spreadsheet templates and a photo guide, public and
members-only, one mentor's suggestion waiting for staff, and one session material
of the demo cohort published to the bank.

Built through the services, so the demo also exercises the real rules.
"""

import io

from openpyxl import Workbook
from PIL import Image, ImageDraw
from werkzeug.datastructures import FileStorage

from wcl.accounts.demo import demo_user
from wcl.cohorts import services as cohorts
from wcl.cohorts.models import Cohort, CohortSession
from wcl.extensions import db
from wcl.knowledge import services
from wcl.knowledge.models import Resource

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# kind, languages, {locale: (title, text)}, creative domain, skill, visibility, url or file maker name
RESOURCES = (
    ("article", "ru", {"ru": ("Как назначить цену на войлочные изделия",
        "Посчитайте себестоимость: шерсть, краски, нитки и ваше время. Добавьте наценку для магазина и для себя. "
        "Сравните с ценами на базаре и в интернете.")}, "V_ARTS", "pricing", "public", None),
    ("article", "ky", {"ky": ("Кийиз буюмдарына баа коюу",
        "Өздүк наркты эсептеңиз: жүн, боёк, жип жана сиздин убактыңыз. Дүкөн үчүн жана өзүңүз үчүн үстөк баа кошуңуз.")},
        "V_ARTS", "pricing", "public", None),
    ("article", "en", {"en": ("Pricing handmade goods for tourists",
        "Tourists compare prices across markets. Show the hours of work behind each piece and price for them.")},
        "TOURISM", "pricing", "public", None),
    ("video", "ky", {"ky": ("Шырдакты телефон менен сүрөткө тартуу",
        "Жарык, фон жана бурч: телефон менен товардын сапаттуу сүрөтүн тартуу боюнча колдонмо."),
        "ru": ("Фотографируем шырдак на телефон", "Свет, фон и ракурс: видеоурок на кыргызском языке.")},
        "V_ARTS", "photography", "public", "https://www.youtube.com/watch?v=wcl-demo-1"),
    ("video", "ru", {"ru": ("Сторителлинг для страницы кампании",
        "Как рассказать историю мастерской так, чтобы люди захотели поддержать.")}, "DESIGN", "storytelling",
        "public", "https://www.youtube.com/watch?v=wcl-demo-2"),
    ("article", "en,ru", {"en": ("Writing your campaign story", "Who you are, what you make, why it matters, what the money does."),
        "ru": ("Пишем историю кампании", "Кто вы, что делаете, почему это важно и на что пойдут деньги.")},
        "DESIGN", "storytelling", "public", None),
    ("template", "ru,ky", {"ru": ("Шаблон бюджета мастерской", "Таблица доходов и расходов на месяц."),
        "ky": ("Устакананын бюджетинин үлгүсү", "Бир айга киреше жана чыгашалар таблицасы.")},
        None, "finance", "members", "budget"),
    ("template", "ru,ky,en", {"ru": ("Калькулятор цены изделия", "Впишите затраты — таблица посчитает цену."),
        "ky": ("Буюмдун баасын эсептөөчү", "Чыгымдарды жазыңыз — таблица бааны эсептейт."),
        "en": ("Product price calculator", "Enter your costs; the sheet works out the price.")},
        "V_ARTS", "pricing", "public", "price"),
    ("file", "ky,ru", {"ky": ("Түстөрдүн айкалышы: кийиз үчүн палитра", "Салттуу түстөрдүн айкалышы."),
        "ru": ("Палитра для войлока", "Сочетания традиционных цветов.")}, "V_ARTS", "production", "public", "palette"),
    ("article", "ru", {"ru": ("Регистрация индивидуального предпринимателя",
        "Патент или единый налог: что выбрать мастерице в селе, какие документы нужны.")}, None, "legal", "members", None),
    ("article", "ky", {"ky": ("Жеке ишкер катары катталуу",
        "Патент же бирдиктүү салык: айылдагы чеберге эмнени тандоо керек, кандай документтер керек.")},
        None, "legal", "members", None),
    ("article", "en", {"en": ("Selling abroad: first steps in export",
        "Customs rules for handmade goods, postal export and how to price shipping.")}, "V_ARTS", "export", "public", None),
    ("article", "ru", {"ru": ("Экспорт ремесленных изделий почтой",
        "Какие изделия можно отправлять, как оформить таможенную декларацию.")}, "V_ARTS", "export", "members", None),
    ("video", "ky", {"ky": ("Instagram аркылуу сатуу", "Баракча ачуу, сүрөттөр жана кардарлар менен сүйлөшүү.")},
        "DESIGN", "digital", "public", "https://www.youtube.com/watch?v=wcl-demo-3"),
    ("article", "ru", {"ru": ("Онлайн-продажи через мессенджеры", "Каталог в WhatsApp, оплата по QR и доставка по стране.")},
        "DESIGN", "digital", "public", None),
    ("article", "en", {"en": ("Planning a small festival stage", "Sound, schedule and volunteers for a one-day creative event.")},
        "PERF", "production", "public", None),
    ("article", "ky", {"ky": ("Майрамга концерт уюштуруу", "Сахна, үн жана ыктыярчылар: бир күндүк иш-чараны пландоо.")},
        "PERF", "production", "public", None),
    ("article", "ru", {"ru": ("Как найти спонсора для проекта", "Письмо партнёру, смета и отчёт после проекта.")},
        None, "fundraising", "public", None),
    ("article", "en", {"en": ("Matching pools explained", "How a sponsor's pool doubles pledges, and what caps mean.")},
        None, "fundraising", "public", None),
)  # fmt: skip
SUGGESTION = ("article", "ky", {"ky": ("Ала-кийиз жасоонун сырлары", "Насаатчынын кеңештери: жүндү тандоо жана басуу.")},
              "CULT_NH", "production", "public", None)  # fmt: skip


def _xlsx(title, rows):
    book = Workbook()
    sheet = book.active
    sheet.title = title[:30]
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _palette():
    image = Image.new("RGB", (480, 120), "white")
    draw = ImageDraw.Draw(image)
    for i, colour in enumerate(("#8b1e3f", "#e0a526", "#1f5f8b", "#2e7d32", "#f4efe6", "#3b2a20")):
        draw.rectangle((i * 80, 0, i * 80 + 79, 119), fill=colour)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


FILES = {
    "budget": lambda: (
        _xlsx("Budget", [["Item", "Som"], ["Wool", 3000], ["Dyes", 800], ["Rent", 2000]]),
        "budget.xlsx",
    ),
    "price": lambda: (
        _xlsx("Price", [["Cost", "Som"], ["Materials", 1200], ["Hours", 10], ["Rate", 150]]),
        "price.xlsx",
    ),
    "palette": lambda: (_palette(), "palette.png"),
}


def _data(kind, languages, texts, domain, skill, visibility, url):
    data = {
        "kind": kind,
        "languages": languages.split(","),
        "creative_domain": domain or "",
        "skill": skill,
        "visibility": visibility,
        "url": url if url and url.startswith("https://") else "",
    }
    for locale, (title, body) in texts.items():
        data[f"title_{locale}"], data[f"body_{locale}"] = title, body
    return data


def _upload(name):
    if name not in FILES:
        return None
    content, filename = FILES[name]()
    return FileStorage(stream=io.BytesIO(content), filename=filename)


def _session_material(staff):
    # A link added to the demo cohort's first session, then published to the bank.
    session = db.session.scalar(
        db.select(CohortSession).join(Cohort).order_by(CohortSession.starts_at, CohortSession.id).limit(1)
    )
    if session is None:
        return 0
    material = cohorts.add_material(
        staff, session, "Costing worksheet walkthrough", url="https://www.youtube.com/watch?v=wcl-demo-4"
    )
    services.publish_material(staff, material, "ru", visibility="members", skill="pricing")
    return 1


def load():
    """Create the demo resources once; later runs only print what exists."""
    staff = demo_user("admin@wcl.example")
    if staff is None:
        return ["Knowledge bank: skipped (run the accounts demo first)."]
    count = db.session.scalar(db.select(db.func.count(Resource.id)))
    if count:
        return [f"Knowledge bank: {count} resources already loaded (/knowledge/)."]
    for row in RESOURCES:
        services.create_resource(staff, _data(*row), _upload(row[-1]))
    made = len(RESOURCES) + _session_material(staff)
    mentor = demo_user("mentor@wcl.example")
    if mentor is not None:
        services.create_resource(mentor, _data(*SUGGESTION))
    return [f"Knowledge bank: {made} resources in ky/ru/en and a mentor's suggestion (/knowledge/)."]
