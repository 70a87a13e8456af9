"""A small multilingual lexicon of the board's subjects: each concept with the ways it is
written in Chinese, Russian, Kazakh and English (Russian and Kazakh as word stems, so that
inflected forms match). It bridges texts that share no translation — a Kazakh demand for
drip irrigation finds a Chinese offer on 滴灌 even when nobody translated either."""

from __future__ import annotations

import re
import unicodedata

# key: {language: [forms]}; the first form of each language is how the concept is shown.
CONCEPTS: dict[str, dict[str, list[str]]] = {
    "drip_irrigation": {
        "zh": ["滴灌"],
        "ru": ["капельное орошение", "капельн"],
        "kk": ["тамшылатып суару", "тамшылат"],
        "en": ["drip irrigation"],
    },
    "water_saving": {
        "zh": ["节水"],
        "ru": ["водосбережение", "водосберег", "экономия воды"],
        "kk": ["суды үнемдеу", "су үнемде", "суды үнемде"],
        "en": ["water saving", "water-saving"],
    },
    "irrigation": {
        "zh": ["灌溉", "滴灌", "喷灌"],
        "ru": ["орошение", "орошени", "ирригац"],
        "kk": ["суару", "суармалы"],
        "en": ["irrigation"],
    },
    "saline_soil": {
        "zh": ["盐碱"],
        "ru": ["засоление", "засолен", "солонч"],
        "kk": ["тұзды топырақ", "сортаң"],
        "en": ["saline", "salinity", "salinized"],
    },
    "drought": {
        "zh": ["抗旱", "干旱"],
        "ru": ["засуха", "засух", "засушлив"],
        "kk": ["құрғақшылық"],
        "en": ["drought"],
    },
    "desertification": {
        "zh": ["荒漠化", "沙漠", "防沙"],
        "ru": ["опустынивание", "опустынива", "пустын"],
        "kk": ["шөлейттену", "шөлейттен", "шөл дала"],
        "en": ["desertification", "desert"],
    },
    "water_treatment": {
        "zh": ["水处理", "污水"],
        "ru": ["очистка воды", "очистк", "сточн"],
        "kk": ["суды тазарту", "тазарту", "ағынды су"],
        "en": ["water treatment", "wastewater"],
    },
    "seed_breeding": {
        "zh": ["育种", "种子", "品种"],
        "ru": ["селекция", "селекци", "семен"],
        "kk": ["селекция", "тұқым", "сұрып"],
        "en": ["breeding", "seed", "variety"],
    },
    "wheat": {"zh": ["小麦"], "ru": ["пшеница", "пшениц"], "kk": ["бидай"], "en": ["wheat"]},
    "cotton": {
        "zh": ["棉花", "棉"],
        "ru": ["хлопок", "хлопк", "хлопчат"],
        "kk": ["мақта"],
        "en": ["cotton"],
    },
    "fruit": {
        "zh": ["林果", "杏", "葡萄", "水果"],
        "ru": ["фрукты", "абрикос", "фрукт", "плодов", "виноград"],
        "kk": ["өрік", "жеміс", "жүзім"],
        "en": ["apricot", "fruit", "grape"],
    },
    "sheep": {
        "zh": ["羊", "细毛羊"],
        "ru": ["овцы", "овц", "овеч"],
        "kk": ["қой"],
        "en": ["sheep"],
    },
    "cattle": {
        "zh": ["牛", "肉牛", "奶牛"],
        "ru": ["крупный рогатый скот", "крупного рогатого", "коров", "скот"],
        "kk": ["ірі қара мал", "ірі қара", "сиыр", "мал шаруашылығы"],
        "en": ["cattle", "cow", "livestock"],
    },
    "veterinary": {
        "zh": ["兽医", "疫苗", "疫病"],
        "ru": ["ветеринария", "ветеринар", "вакцин"],
        "kk": ["ветеринария", "ветеринар", "вакцина"],
        "en": ["veterinary", "vaccine"],
    },
    "dairy": {
        "zh": ["乳", "奶"],
        "ru": ["молоко", "молок", "молочн"],
        "kk": ["сүт"],
        "en": ["dairy", "milk"],
    },
    "feed": {
        "zh": ["饲料", "苜蓿"],
        "ru": ["корма", "корм", "люцерн"],
        "kk": ["мал азығы", "жемшөп", "жоңышқа"],
        "en": ["feed", "fodder", "alfalfa"],
    },
    "medicinal_plants": {
        "zh": ["药用植物", "中药", "民族药", "药材"],
        "ru": ["лекарственные растения", "лекарственн", "фитопрепарат"],
        "kk": ["дәрілік өсімдік", "дәрілік"],
        "en": ["medicinal plant", "herbal"],
    },
    "new_drugs": {
        "zh": ["新药", "药物", "制剂"],
        "ru": ["препараты", "препарат", "лекарств"],
        "kk": ["дәрі-дәрмек", "препарат"],
        "en": ["drug", "pharmaceutical"],
    },
    "diagnostics": {
        "zh": ["诊断", "检测"],
        "ru": ["диагностика", "диагност", "тест-систем"],
        "kk": ["диагностика", "диагност"],
        "en": ["diagnostic", "test kit"],
    },
    "biodiversity": {
        "zh": ["生物多样性", "种质资源", "基因库"],
        "ru": ["биоразнообразие", "биоразнообраз", "генофонд", "генобанк"],
        "kk": ["биоәртүрлілік", "гендік қор", "генқор"],
        "en": ["biodiversity", "germplasm", "gene bank"],
    },
    "solar": {
        "zh": ["光伏", "太阳能"],
        "ru": ["солнечная энергия", "солнечн", "фотоэлектр"],
        "kk": ["күн энергиясы", "күн энергия", "күн панел", "фотоэлектр"],
        "en": ["solar", "photovoltaic"],
    },
    "wind": {
        "zh": ["风电", "风能"],
        "ru": ["ветроэнергетика", "ветров", "ветроэнерг"],
        "kk": ["жел энергиясы", "жел энергия", "жел электр"],
        "en": ["wind power", "wind energy", "wind turbine"],
    },
    "energy_storage": {
        "zh": ["储能", "电池"],
        "ru": ["накопители энергии", "накопител", "аккумулятор"],
        "kk": ["энергия жинақтау", "энергия жинақта", "аккумулятор"],
        "en": ["energy storage", "battery"],
    },
    "hydrogen": {"zh": ["氢能", "制氢"], "ru": ["водород"], "kk": ["сутегі"], "en": ["hydrogen"]},
    "coal": {"zh": ["煤"], "ru": ["уголь", "угольн", "угля"], "kk": ["көмір"], "en": ["coal"]},
    "rare_metals": {
        "zh": ["稀有金属", "稀土"],
        "ru": ["редкие металлы", "редких металл", "редкоземельн"],
        "kk": ["сирек металдар", "сирек металл", "сирек кездесетін"],
        "en": ["rare metal", "rare earth"],
    },
    "composites": {
        "zh": ["复合材料"],
        "ru": ["композиты", "композит"],
        "kk": ["композиттер", "композит"],
        "en": ["composite"],
    },
    "sensors": {
        "zh": ["传感器", "监测"],
        "ru": ["датчики", "датчик", "сенсор", "мониторинг"],
        "kk": ["датчиктер", "датчик", "сенсор", "мониторинг"],
        "en": ["sensor", "monitoring"],
    },
    "remote_sensing": {
        "zh": ["遥感", "卫星"],
        "ru": ["дистанционное зондирование", "дистанционн", "спутник"],
        "kk": ["қашықтықтан зондтау", "жерсерік"],
        "en": ["remote sensing", "satellite"],
    },
    "artificial_intelligence": {
        "zh": ["人工智能", "机器学习"],
        "ru": [
            "искусственный интеллект",
            "искусственного интеллекта",
            "машинное обучение",
            "машинного обучения",
        ],
        "kk": ["жасанды интеллект", "машиналық оқыту"],
        "en": ["artificial intelligence", "machine learning"],
    },
    "greenhouse": {
        "zh": ["温室", "大棚"],
        "ru": ["теплицы", "теплиц"],
        "kk": ["жылыжай"],
        "en": ["greenhouse"],
    },
    "food_processing": {
        "zh": ["食品加工", "深加工"],
        "ru": ["переработка", "переработк", "пищев"],
        "kk": ["қайта өңдеу", "қайта өңде", "тағам"],
        "en": ["food processing", "processing"],
    },
}


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def _pattern(form: str) -> re.Pattern[str]:
    """Han forms match anywhere (Chinese has no spaces); other forms only at a word's start,
    so a stem catches its inflections ("засух" → "засухи") but not the middle of a word."""
    if any("\u3400" <= ch <= "\u9fff" for ch in form):
        return re.compile(re.escape(form))
    return re.compile(r"(?<!\w)" + re.escape(form))


_PATTERNS: dict[str, list[re.Pattern[str]]] = {
    key: [_pattern(normalise(form)) for forms in by_lang.values() for form in forms]
    for key, by_lang in CONCEPTS.items()
}


def concepts_in(text: str) -> dict[str, int]:
    """Concept key → how often the concept is named in `text` (by its most frequent form,
    so a phrase and its own stem are not counted twice)."""
    lowered = normalise(text)
    found: dict[str, int] = {}
    for key, patterns in _PATTERNS.items():
        count = max(len(pattern.findall(lowered)) for pattern in patterns)
        if count:
            found[key] = count
    return found


def concept_name(key: str, lang: str) -> str:
    forms = CONCEPTS.get(key, {})
    chosen = forms.get(lang) or forms.get("en") or [key]
    return chosen[0]
