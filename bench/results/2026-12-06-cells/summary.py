import json, glob, statistics, sys
import os
out = os.path.dirname(os.path.abspath(__file__))
rows = {}
for side in ('baseline', 'pre', 'main'):
    for f in sorted(glob.glob(f'{out}/{side}_*.json')):
        try: d = json.load(open(f))
        except Exception: continue
        for b in d['benchmarks']:
            name = b['name'].split('/')[0]
            for k in ('p50_us', 'p99_us', 'scored_per_query', 'bytes_per_candidate'):
                if k in b: rows.setdefault((name, k), {}).setdefault(side, []).append(b[k])
for (name, k), sides in sorted(rows.items()):
    med = {s: statistics.median(v) for s, v in sides.items()}
    line = f'{name:20s} {k:20s} ' + ' '.join(f'{s}={med[s]:.1f}(n={len(sides[s])})' for s in med)
    if 'baseline' in med and 'main' in med: line += f'  main/baseline={med["main"]/med["baseline"]:.2f}'
    if 'pre' in med and 'main' in med: line += f'  main/pre={med["main"]/med["pre"]:.2f}'
    print(line)

# Per-round ratios (each round runs the three side by side), then their median.
print('per-round ratios main/baseline (p50):')
for name in ('BM_Shortlist', 'BM_MatchCandidate'):
    rs = []
    for r in range(1, 10):
        try:
            b = {x['name'].split('/')[0]: x for x in json.load(open(f'{out}/baseline_{r}.json'))['benchmarks']}
            m = {x['name'].split('/')[0]: x for x in json.load(open(f'{out}/main_{r}.json'))['benchmarks']}
            rs.append(m[name]['p50_us'] / b[name]['p50_us'])
        except Exception:
            pass
    if rs: print(f'  {name}: ' + ' '.join(f'{x:.2f}' for x in rs) + f'  median {statistics.median(rs):.2f}')
