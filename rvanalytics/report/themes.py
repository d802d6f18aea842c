"""Names of the resource-wisdom themes of the city profiles (light module: no heavy imports)."""

from __future__ import annotations

from rvanalytics.report.templating import texts

__all__ = ["THEME_NAMES", "theme_name"]

THEME_NAMES = {
    "fi": {
        "climate": "Ilmasto",
        "energy": "Energia",
        "transport": "Liikenne",
        "waste": "Jätteet",
        "circular_economy": "Kiertotalous",
        "consumption": "Kulutus",
        "land_use": "Maankäyttö",
        "nature": "Luonto",
        "water": "Vesi",
        "procurement": "Hankinnat",
        "cross_cutting": "Läpileikkaavat",
        # themes of the indicator catalogue (data/indicators.yaml)
        "mobility and urban structure": "Liikkuminen ja yhdyskuntarakenne",
        "consumption, materials and waste": "Kulutus, materiaalit ja jätteet",
        "population and economy": "Väestö ja talous",
        "food": "Ruoka",
        "built environment": "Rakennettu ympäristö",
    },
    "en": {
        "climate": "Climate",
        "energy": "Energy",
        "transport": "Transport",
        "waste": "Waste",
        "circular_economy": "Circular economy",
        "consumption": "Consumption",
        "land_use": "Land use",
        "nature": "Nature",
        "water": "Water",
        "procurement": "Procurement",
        "cross_cutting": "Cross-cutting",
        "mobility and urban structure": "Mobility and urban structure",
        "consumption, materials and waste": "Consumption, materials and waste",
        "population and economy": "Population and economy",
        "food": "Food",
        "built environment": "Built environment",
    },
}


def theme_name(theme: str | None, lang: str) -> str:
    """Readable theme name (Finnish labels for known ids; otherwise the id with spaces)."""
    if not theme:
        return texts(lang)["no_theme"]
    return THEME_NAMES.get(lang, {}).get(theme) or str(theme).replace("_", " ").capitalize()
