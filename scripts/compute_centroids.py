#!/usr/bin/env python3
"""Area-weighted centroid of every 2015 municipality in data/municipalities_2015.csv.

Input: CBS's generalised 2015 municipality boundaries as published in the public repository
cartomap/nl, file wgs84/gemeente_2015.topojson (TopoJSON, quantised arcs + transform) or the
GeoJSON variant wgs84/gemeente_2015.geojson; both carry statcode (GM0153 style) and statnaam.

    python3 scripts/compute_centroids.py /tmp/gemeente_2015.topojson [--computed YYYY-MM-DD]

Writes data/municipality_centroids_2015.csv (municipality,code,lat,lon), one row per municipality
of data/municipalities_2015.csv in that file's order, names spelled exactly as there.

Method: per polygon the first ring is the outer ring and the others are holes; every ring is
projected onto a sinusoidal (equal-area) plane centred on the municipality (x = (lon - lon0) *
cos(lat), y = lat, degrees), the shoelace signed-area centroid is taken with |area| for outer
rings and -|area| for holes, summed over all polygons of a MultiPolygon, and projected back
(lat = y, lon = lon0 + x / cos(lat)). Rounded to 4 decimals (about 10 m; the generalised source
is quantised to 0.001 degree).

Names are matched case-insensitively after folding diacritics, apostrophes, hyphens, dots and
parentheses, plus the aliases below. Exits 1 listing unmatched names on either side, 2 if a
sanity check fails. Python 3 standard library only.
"""

import argparse
import csv
import datetime
import hashlib
import json
import math
import os
import sys
import unicodedata

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MUNICIPALITIES = os.path.join(ROOT, "data", "municipalities_2015.csv")
ANCHORS = os.path.join(ROOT, "data", "region_anchors.csv")
OUTPUT = os.path.join(ROOT, "data", "municipality_centroids_2015.csv")

SOURCE_REPO = "cartomap/nl"
SOURCE_COMMIT = "10e524b4348439e7d022bef107fa5cb000120449"

# Spelling differences between the UWV list and CBS's statnaam (after normalise()).
ALIASES = {
    "den haag": "s gravenhage",
    "the hague": "s gravenhage",
    "den bosch": "s hertogenbosch",
    "nuenen ca": "nuenen gerwen en nederwetten",
    "nuenen c a": "nuenen gerwen en nederwetten",
    "bergen limburg": "bergen l",
    "bergen noord holland": "bergen nh",
    "sudwest friesland": "sudwest fryslan",
}

# The UWV 2015 list predates the merger of 1 January 2015: these five formed Krimpenerwaard
# (GM1931), and CBS's 2015 map has only the merged municipality. They get its centroid and code.
MERGED_INTO = {
    "bergambacht": "krimpenerwaard",
    "nederlek": "krimpenerwaard",
    "ouderkerk": "krimpenerwaard",
    "schoonhoven": "krimpenerwaard",
    "vlist": "krimpenerwaard",
}

NL_BBOX = (50.7, 53.6, 3.3, 7.3)  # lat min, lat max, lon min, lon max
ANCHOR_MAX_KM = 80.0
EARTH_RADIUS_KM = 6371.0  # as the engine's haversine (data/README.md)


def normalise(name):
    s = unicodedata.normalize("NFKD", name)
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    for c in "'\u2019\u2018`\u00b4-\u2010\u2011\u2013\u2014.,()/":
        s = s.replace(c, " ")
    return " ".join(s.split())


def read_csv_skipping_comments(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(line for line in f if not line.startswith("#")))


def load_features(path):
    """Returns [(statcode, statnaam, [polygon, ...])], polygon = [ring, ...], ring = [(lon, lat)]."""
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    features = []
    if doc.get("type") == "Topology":
        tf = doc.get("transform")
        arcs = []
        for arc in doc["arcs"]:
            pts, x, y = [], 0, 0
            for p in arc:
                if tf:
                    x, y = x + p[0], y + p[1]
                    pts.append((x * tf["scale"][0] + tf["translate"][0],
                                y * tf["scale"][1] + tf["translate"][1]))
                else:
                    pts.append((p[0], p[1]))
            arcs.append(pts)

        def ring_of(indices):
            ring = []
            for i in indices:
                pts = arcs[i] if i >= 0 else arcs[~i][::-1]
                if ring and ring[-1] != pts[0]:
                    raise ValueError("arcs %s do not join" % indices)
                ring.extend(pts if not ring else pts[1:])
            if ring[0] != ring[-1]:
                raise ValueError("ring %s is not closed" % indices)
            return ring

        objects = list(doc["objects"].values())
        if len(objects) != 1:
            raise ValueError("expected one object in the topology, found %d" % len(objects))
        for g in objects[0]["geometries"]:
            if g["type"] == "Polygon":
                polys = [g["arcs"]]
            elif g["type"] == "MultiPolygon":
                polys = g["arcs"]
            else:
                raise ValueError("unexpected geometry type %s" % g["type"])
            p = g["properties"]
            features.append((p["statcode"], p["statnaam"],
                             [[ring_of(r) for r in poly] for poly in polys]))
    elif doc.get("type") == "FeatureCollection":
        for feat in doc["features"]:
            geom = feat["geometry"]
            if geom["type"] == "Polygon":
                polys = [geom["coordinates"]]
            elif geom["type"] == "MultiPolygon":
                polys = geom["coordinates"]
            else:
                raise ValueError("unexpected geometry type %s" % geom["type"])
            p = feat["properties"]
            features.append((p["statcode"], p["statnaam"],
                             [[[(c[0], c[1]) for c in ring] for ring in poly] for poly in polys]))
    else:
        raise ValueError("neither a TopoJSON Topology nor a GeoJSON FeatureCollection")
    return features


def centroid(polygons):
    """Area-weighted centroid (lat, lon) and area (km^2) of outer rings minus holes."""
    lons = [lon for poly in polygons for ring in poly for lon, _ in ring]
    lon0 = (min(lons) + max(lons)) / 2.0
    sum_a = sum_x = sum_y = 0.0
    for poly in polygons:
        for k, ring in enumerate(poly):
            pts = [((lon - lon0) * math.cos(math.radians(lat)), lat) for lon, lat in ring]
            a = cx = cy = 0.0
            for (x1, y1), (x2, y2) in zip(pts, pts[1:] + pts[:1]):
                cross = x1 * y2 - x2 * y1
                a += cross
                cx += (x1 + x2) * cross
                cy += (y1 + y2) * cross
            if a == 0.0:
                continue
            a /= 2.0
            cx /= 6.0 * a
            cy /= 6.0 * a
            w = abs(a) if k == 0 else -abs(a)
            sum_a += w
            sum_x += w * cx
            sum_y += w * cy
    if sum_a <= 0.0:
        raise ValueError("non-positive area")
    lat = sum_y / sum_a
    lon = lon0 + (sum_x / sum_a) / math.cos(math.radians(lat))
    km_per_deg = math.pi * EARTH_RADIUS_KM / 180.0
    return lat, lon, sum_a * km_per_deg * km_per_deg


def haversine_km(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("source", help="cartomap/nl wgs84/gemeente_2015.topojson (or .geojson)")
    ap.add_argument("--computed", default=datetime.date.today().isoformat(),
                    help="date written into the source note (default: today)")
    ap.add_argument("--source-commit", default=SOURCE_COMMIT,
                    help="cartomap/nl commit the source file was taken from")
    ap.add_argument("-o", "--output", default=OUTPUT)
    args = ap.parse_args()

    with open(args.source, "rb") as f:
        raw = f.read()
    features = load_features(args.source)
    source_path = "wgs84/gemeente_2015." + ("topojson" if b'"Topology"' in raw[:200] else "geojson")

    by_name = {}
    for code, name, polys in features:
        key = normalise(name)
        if key in by_name:
            sys.exit("duplicate statnaam after normalisation: %s" % name)
        lat, lon, area = centroid(polys)
        by_name[key] = (code, name, lat, lon, area)

    municipalities = read_csv_skipping_comments(MUNICIPALITIES)
    rows, unmatched, used, merged = [], [], set(), []
    seen = set()
    for m in municipalities:
        name = m["municipality"]
        if name in seen:
            sys.exit("duplicate municipality in %s: %s" % (MUNICIPALITIES, name))
        seen.add(name)
        key = normalise(name)
        key = ALIASES.get(key, key)
        if key not in by_name and key in MERGED_INTO:
            merged.append(name)
            key = MERGED_INTO[key]
        if key not in by_name:
            unmatched.append(name)
            continue
        used.add(key)
        code, _, lat, lon, _ = by_name[key]
        rows.append((m, code, round(lat, 4), round(lon, 4)))
    unused = sorted(v[1] for k, v in by_name.items() if k not in used)
    if unmatched or unused:
        if unmatched:
            print("not in the boundaries: " + "; ".join(unmatched), file=sys.stderr)
        if unused:
            print("not in %s: %s" % (os.path.relpath(MUNICIPALITIES, ROOT), "; ".join(unused)),
                  file=sys.stderr)
        sys.exit(1)

    # Sanity checks.
    failures = []
    at = {r[0]["municipality"]: (r[2], r[3]) for r in rows}

    def dist(a, b):
        return haversine_km(*(at[a] + at[b]))

    print("matched %d municipalities to %d of %d source features (%d via the Krimpenerwaard merger: %s)"
          % (len(rows), len(used), len(by_name), len(merged), ", ".join(merged)))
    for a, b, lo, hi in (("Losser", "Hellendoorn", 35, 45), ("Enschede", "Hengelo", 7, 10)):
        d = dist(a, b)
        print("%s -> %s: %.1f km (expected %d-%d)" % (a, b, d, lo, hi))
        if not lo <= d <= hi:
            failures.append("%s -> %s %.1f km" % (a, b, d))
    for name, lat, lon in (("Amsterdam", 52.37, 4.90), ("Maastricht", 50.85, 5.69)):
        d = haversine_km(lat, lon, *at[name])
        print("%s: %.4f, %.4f (%.1f km from %.2f, %.2f)" % (name, at[name][0], at[name][1], d, lat, lon))
        if d > 5:
            failures.append("%s centroid %.1f km off" % (name, d))
    outside = [n for n, (lat, lon) in at.items()
               if not (NL_BBOX[0] <= lat <= NL_BBOX[1] and NL_BBOX[2] <= lon <= NL_BBOX[3])]
    print("outside %s-%s N, %s-%s E: %d%s" % (NL_BBOX + (len(outside),
                                              (" " + ", ".join(outside)) if outside else "")))
    failures += ["%s outside the bounding box" % n for n in outside]
    anchors = {a["region"]: a for a in read_csv_skipping_comments(ANCHORS)}
    far, worst = [], (0.0, "")
    for m, _, lat, lon in rows:
        a = anchors[m["region"]]
        d = haversine_km(lat, lon, float(a["lat"]), float(a["lon"]))
        worst = max(worst, (d, "%s (%s, anchor %s)" % (m["municipality"], m["region"], a["anchor_city"])))
        if d > ANCHOR_MAX_KM:
            far.append("%s %.0f km from %s" % (m["municipality"], d, a["anchor_city"]))
    print("farthest from its region's anchor: %.1f km, %s; over %.0f km: %d%s"
          % (worst[0], worst[1], ANCHOR_MAX_KM, len(far), (" " + "; ".join(far)) if far else ""))
    failures += far
    if failures:
        print("sanity checks failed: " + "; ".join(failures), file=sys.stderr)
        sys.exit(2)

    note = [
        "Centroid (area-weighted, latitude/longitude in degrees WGS84, 4 decimals) of each 2015 municipality of municipalities_2015.csv, same order and spelling.",
        "Source: CBS/Kadaster generalised municipality boundaries 2015 (Wijk- en Buurtkaart 2015, CBS gebiedsindelingen; statcode = CBS code) as simplified and published by the public repository %s, file %s, commit %s (%d bytes, sha256 %s)."
        % (SOURCE_REPO, source_path, args.source_commit, len(raw), hashlib.sha256(raw).hexdigest()),
        "Licence: CBS publishes its open data under CC BY 4.0, attribution \"Bron: CBS, Kadaster\"; the cartomap/nl repository states no licence of its own and credits PDOK and CBS.",
        "Method: outer rings minus holes over all parts, shoelace centroid on a sinusoidal equal-area plane centred on the municipality, back to degrees (scripts/compute_centroids.py). The generalised source is quantised to 0.001 degree.",
        "Bergambacht, Nederlek, Ouderkerk, Schoonhoven and Vlist merged into Krimpenerwaard on 1 January 2015; the 2015 map has only Krimpenerwaard, so all five carry its code (GM1931) and centroid.",
        "Computed %s." % args.computed,
    ]
    with open(args.output, "w", encoding="utf-8", newline="") as f:
        for line in note:
            f.write("# " + line + "\n")
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["municipality", "code", "lat", "lon"])
        for m, code, lat, lon in rows:
            w.writerow([m["municipality"], code, "%.4f" % lat, "%.4f" % lon])
    print("wrote %s (%d rows)" % (os.path.relpath(args.output, ROOT), len(rows)))


if __name__ == "__main__":
    main()
