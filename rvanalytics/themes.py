"""The resource-wisdom themes, and how the profiles' and the catalogue's theme words map onto them.

The indicator catalogue files each indicator under one resource-wisdom theme (issue 3's list);
city profiles tag targets, key measures and key problems with finer words (``transport``,
``waste``, ``procurement`` …). Both map onto the same list here, so a theme coverage matrix
compares like with like. Total greenhouse-gas emissions cut across all themes: they sit
under ``climate``.

Examples
--------
>>> rw_theme("transport")
'mobility_urban_structure'
>>> rw_theme("consumption, materials and waste")
'consumption_materials_waste'
>>> theme_label("water", "sv")
'Vatten'
"""

from __future__ import annotations

__all__ = ["RESOURCE_WISDOM_THEMES", "THEME_LABELS", "rw_theme", "theme_label", "profile_theme_map"]

#: Resource-wisdom themes, in report order.
RESOURCE_WISDOM_THEMES: tuple[str, ...] = (
    "climate",
    "energy",
    "mobility_urban_structure",
    "consumption_materials_waste",
    "food",
    "water",
    "built_environment",
    "population_economy",
)

THEME_LABELS: dict[str, dict[str, str]] = {
    "climate": {"fi": "Ilmasto (kaikki päästöt)", "sv": "Klimat (alla utsläpp)", "en": "Climate (all emissions)"},
    "energy": {"fi": "Energia", "sv": "Energi", "en": "Energy"},
    "mobility_urban_structure": {"fi": "Liikkuminen ja yhdyskuntarakenne", "sv": "Mobilitet och samhällsstruktur",
                                 "en": "Mobility and urban structure"},
    "consumption_materials_waste": {"fi": "Kulutus, materiaalit ja jätteet", "sv": "Konsumtion, material och avfall",
                                    "en": "Consumption, materials and waste"},
    "food": {"fi": "Ruoka", "sv": "Mat", "en": "Food"},
    "water": {"fi": "Vesi", "sv": "Vatten", "en": "Water"},
    "built_environment": {"fi": "Rakennettu ympäristö", "sv": "Byggd miljö", "en": "Built environment"},
    "population_economy": {"fi": "Väestö ja talous", "sv": "Befolkning och ekonomi", "en": "Population and economy"},
    # profile themes outside the resource-wisdom list (rw_theme gives None for them)
    "nature": {"fi": "Luonto", "sv": "Natur", "en": "Nature"},
    "cross_cutting": {"fi": "Läpileikkaavat", "sv": "Övergripande", "en": "Cross-cutting"},
}

_ALIASES: dict[str, str | None] = {
    # catalogue labels (data/indicators.yaml)
    "energy": "energy",
    "mobility and urban structure": "mobility_urban_structure",
    "consumption, materials and waste": "consumption_materials_waste",
    "food": "food",
    "water": "water",
    "built environment": "built_environment",
    "population and economy": "population_economy",
    # profile themes (rvanalytics.cities.schema.Theme)
    "climate": "climate",
    "transport": "mobility_urban_structure",
    "land_use": "mobility_urban_structure",
    "waste": "consumption_materials_waste",
    "circular_economy": "consumption_materials_waste",
    "consumption": "consumption_materials_waste",
    "procurement": "consumption_materials_waste",
    "nature": None,
    "cross_cutting": None,
}


def rw_theme(theme: str | None) -> str | None:
    """The resource-wisdom theme id for a catalogue label, a profile theme or an id (None if none fits)."""
    if theme is None:
        return None
    text = str(theme).strip()
    if text in RESOURCE_WISDOM_THEMES:
        return text
    return _ALIASES.get(text.lower())


def theme_label(theme: str, lang: str = "en") -> str:
    """Readable name of a resource-wisdom theme in fi, sv or en."""
    key = rw_theme(theme) or theme
    labels = THEME_LABELS.get(key)
    if labels is None:
        return str(theme).replace("_", " ").capitalize()
    return labels.get(lang, labels["en"])


def profile_theme_map() -> dict[str, list[str]]:
    """Resource-wisdom theme -> the profile and catalogue words that map onto it."""
    result: dict[str, list[str]] = {t: [t] for t in RESOURCE_WISDOM_THEMES}
    for word, target in _ALIASES.items():
        if target is not None and word not in result[target]:
            result[target].append(word)
    return result
