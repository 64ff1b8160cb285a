#!/usr/bin/env python3
"""gen-questionnaire-countries.py - writes the country and world-region lists
of the default questionnaire (samples/questionnaire/lists.csv).

The countries are ISO 3166-1 alpha-2, as Debian's iso-codes package has
them: codes and English names from its JSON file, French names from its
French translation.  Each country rolls up into a world region by the UN M49
geoscheme (the mapping below), except the 27 member states of the European
Union, which roll up into their own region, as the national survey publishes
them.  A value `unknown` (country not known) rolls up into the region
`unknown`.

The rows of the lists `country` and `world-region` are rewritten in place,
each list's own row (its labels, value cell empty) first; every other row of
the file is kept as it is, in its order.  The output is deterministic
(countries sorted by code, then `unknown`), comma-separated with CRLF line
ends, as `merger questionnaire show --format csv` writes it.
The generated file is committed: this script is run by developers when
iso-codes or the mapping changes, never at build or run time.

Usage: tools/gen-questionnaire-countries.py [LISTS_CSV [ISO_JSON ISO_MO]]
  LISTS_CSV defaults to samples/questionnaire/lists.csv (relative to the
  source tree), ISO_JSON to /usr/share/iso-codes/json/iso_3166-1.json and
  ISO_MO to /usr/share/locale/fr/LC_MESSAGES/iso_3166-1.mo.

The script stops with one line on stderr, writing nothing, when iso-codes
has a country the mapping does not place (or the other way round), when a
name would break a rule of docs/QUESTIONNAIRE.md, or when LISTS_CSV does not
have the expected header.
"""

import csv
import gettext
import io
import json
import os
import re
import sys

HEADER = ["list", "value", "label_fr", "label_en", "retired", "rollup"]
LABEL_MAX = 200

# The labels of the two lists, as column headers and menus name them:
# French, English.
REGION_LIST = ("Région du monde", "World region")
COUNTRY_LIST = ("Pays d'origine", "Country of origin")

# The regions, in the order the reports show them: code, French, English.
REGIONS = [
    ("subsaharan-africa", "Afrique subsaharienne", "Sub-Saharan Africa"),
    ("north-africa", "Afrique du Nord", "North Africa"),
    ("european-union", "Union européenne", "European Union"),
    ("other-europe", "Europe hors Union européenne", "Europe outside the European Union"),
    ("latin-america", "Amérique latine et Caraïbes", "Latin America and the Caribbean"),
    ("north-america", "Amérique du Nord", "North America"),
    ("middle-east", "Moyen-Orient (Asie occidentale)", "Middle East (Western Asia)"),
    ("asia", "Asie", "Asia"),
    ("oceania", "Océanie", "Oceania"),
    ("unknown", "Région inconnue", "Unknown region"),
]

# UN M49 (unstats.un.org/unsd/methodology/m49), grouped by its subregions.
# Europe is split below between the EU and the rest; "middle-east" is M49's
# Western Asia (so Turkey and the Caucasus are in it); "asia" is the rest of
# Asia.  M49 places no region on Antarctica and leaves Taiwan out: AQ goes
# with Oceania (the nearest: no victim will come from it) and TW with
# Eastern Asia.
M49 = {
    "subsaharan-africa": """
        IO BI KM DJ ER ET TF KE MG MW MU YT MZ RE RW SC SO SS UG TZ ZM ZW
        AO CM CF TD CG CD GQ GA ST
        BW SZ LS NA ZA
        BJ BF CV CI GM GH GN GW LR ML MR NE NG SH SN SL TG""",
    "north-africa": "DZ EG LY MA SD TN EH",
    "europe": """
        AX DK EE FO FI GG IS IE IM JE LV LT NO SJ SE GB
        AT BE FR DE LI LU MC NL CH
        BY BG CZ HU MD PL RO RU SK UA
        AL AD BA HR GI GR VA IT MT ME MK PT SM RS SI ES""",
    "latin-america": """
        AI AG AW BS BB BQ VG KY CU CW DM DO GD GP HT JM MQ MS PR BL KN LC MF VC SX TT
        TC VI
        BZ CR SV GT HN MX NI PA
        AR BO BV BR CL CO EC FK GF GY PY PE GS SR UY VE""",
    "north-america": "BM CA GL PM US",
    "middle-east": "AM AZ BH CY GE IQ IL JO KW LB OM QA SA PS SY TR AE YE",
    "asia": """
        KZ KG TJ TM UZ
        CN HK MO KP JP MN KR TW
        BN KH ID LA MY MM PH SG TH TL VN
        AF BD BT IN IR MV NP PK LK""",
    "oceania": """
        AU CX CC HM NZ NF
        FJ NC PG SB VU
        GU KI MH FM NR MP PW UM
        AS CK PF NU PN WS TK TO TV WF
        AQ""",
}

# The 27 member states of the European Union (since 1 February 2020).
EU = """AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES
        SE"""

# Names that iso-codes writes inverted, as in an index ("Russie, Fédération
# de"), too formally for a menu, or not in French ("Türkiye"): the name a
# French (or English) reader looks for.  Every French name is then given a
# capital ("îles Cook" -> "Îles Cook").
FR_NAMES = {
    "AX": "Îles Åland",
    "CC": "Îles Cocos (Keeling)",
    "CX": "Île Christmas",
    "FK": "Îles Malouines (Falkland)",
    "FM": "Micronésie",
    "IR": "Iran",
    "LA": "Laos",
    "PS": "Palestine",
    "RE": "La Réunion",
    "RU": "Russie",
    "SB": "Îles Salomon",
    "SY": "Syrie",
    "TR": "Turquie",
    "VA": "Saint-Siège (Vatican)",
    "VI": "Îles Vierges des États-Unis",
}
EN_NAMES = {
    "CD": "Democratic Republic of the Congo",
    "CG": "Republic of the Congo",
    "FM": "Micronesia",
    "PS": "Palestine",
    "RU": "Russia",
    "VA": "Holy See (Vatican)",
    "VG": "British Virgin Islands",
    "VI": "United States Virgin Islands",
}

UNKNOWN = ("unknown", "Inconnu", "Unknown", "world-region:unknown")


def die(msg):
    sys.stderr.write("gen-questionnaire-countries: %s\n" % msg)
    sys.exit(1)


def region_of_code():
    """ISO code -> region code, each code placed exactly once."""
    out = {}
    eu = set(EU.split())
    if len(eu) != 27:
        die("the EU list has %d members, not 27" % len(eu))
    for region, codes in M49.items():
        for code in codes.split():
            if code in out:
                die("%s is placed twice in the mapping" % code)
            if region == "europe":
                out[code] = "european-union" if code in eu else "other-europe"
            else:
                out[code] = region
    for code in eu:
        if out.get(code) not in ("european-union", None) and code != "CY":
            die("EU member %s is not in M49's Europe" % code)
        out[code] = "european-union"   # Cyprus: M49's Western Asia, but in the EU
    return out


def countries(iso_json, iso_mo):
    try:
        with open(iso_json, encoding="utf-8") as f:
            entries = json.load(f)["3166-1"]
        with open(iso_mo, "rb") as f:
            fr = gettext.GNUTranslations(f)
    except (OSError, KeyError, ValueError) as e:
        die("cannot read iso-codes: %s" % e)
    regions = region_of_code()
    rows = []
    for e in sorted(entries, key=lambda e: e["alpha_2"]):
        code = e["alpha_2"]
        if not re.fullmatch(r"[A-Z]{2}", code):
            die("unexpected code %r in %s" % (code, iso_json))
        if code not in regions:
            die("%s (%s) has no world region in the mapping" % (code, e["name"]))
        # The common name when there is one ("Bolivia" rather than
        # "Bolivia, Plurinational State of"), in French when translated.
        common = e.get("common_name")
        en = EN_NAMES.get(code) or common or e["name"]
        name_fr = fr.gettext(common) if common and fr.gettext(common) != common else None
        name_fr = FR_NAMES.get(code) or name_fr or fr.gettext(e["name"])
        name_fr = name_fr[:1].upper() + name_fr[1:]
        rows.append((code, name_fr, en, "world-region:" + regions.pop(code)))
    if regions:
        die("the mapping places codes iso-codes does not have: %s" % " ".join(sorted(regions)))
    rows.append(UNKNOWN)
    return rows


def check_label(label, what):
    if not label or len(label.encode("utf-8")) > LABEL_MAX:
        die("%s: label %r is empty or longer than %d bytes" % (what, label, LABEL_MAX))
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in label):
        die("%s: label %r holds a control character" % (what, label))


def main():
    src = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    args = sys.argv[1:]
    if len(args) not in (0, 1, 3):
        die("usage: gen-questionnaire-countries.py [LISTS_CSV [ISO_JSON ISO_MO]]")
    path = args[0] if args else os.path.join(src, "samples", "questionnaire", "lists.csv")
    iso_json = args[1] if len(args) == 3 else "/usr/share/iso-codes/json/iso_3166-1.json"
    iso_mo = args[2] if len(args) == 3 else "/usr/share/locale/fr/LC_MESSAGES/iso_3166-1.mo"

    generated = [["world-region", ""] + list(REGION_LIST) + ["", ""]]
    generated += [["world-region", c, f, e, "", ""] for c, f, e in REGIONS]
    generated += [["country", ""] + list(COUNTRY_LIST) + ["", ""]]
    generated += [["country", c, f, e, "", r] for c, f, e, r in countries(iso_json, iso_mo)]
    for row in generated:
        check_label(row[2], "%s %s" % (row[0], row[1]))
        check_label(row[3], "%s %s" % (row[0], row[1]))

    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            rows = list(csv.reader(f))
    except OSError as e:
        die("%s: %s" % (path, e.strerror))
    if not rows or [h.lower() for h in rows[0]] != HEADER:
        die("%s: the first line must be %s" % (path, ",".join(HEADER)))
    kept, at = [], None
    for row in rows[1:]:
        if row and row[0] in ("country", "world-region"):
            if at is None:
                at = len(kept)
            continue
        kept.append(row)
    if at is None:
        at = len(kept)
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(HEADER)
    w.writerows(kept[:at] + generated + kept[at:])

    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="") as f:
        f.write(out.getvalue())
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


if __name__ == "__main__":
    main()
