"""GEOS (shapely 2) doing the selection benchmark's work on the same precincts and lasso.

Run by `cargo bench --bench selection` when SHAPELY_PYTHON names a Python with shapely 2;
reads the GeoJSON the benchmark writes and prints one line per selection with its median.
"""
import json
import statistics
import sys
import time

import shapely

with open(sys.argv[1], encoding="utf-8") as f:
    data = json.load(f)
shapes = [shapely.geometry.shape(g) for g in data["precincts"]]
lasso = shapely.geometry.shape(data["lasso"])
tree = shapely.STRtree(shapes)
points = shapely.point_on_surface(shapes)


def median_ms(work, runs=25):
    times = []
    result = None
    for _ in range(runs):
        started = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1e3, result


# STRtree.query with a predicate filters by box, then prepares the lasso and tests each.
t, hits = median_ms(lambda: tree.query(lasso, predicate="intersects"))
print(f"  GEOS {shapely.geos_version_string}: precincts intersecting the lasso {len(hits):>6}: median {t:.3f} ms")
t, hits = median_ms(lambda: tree.query(lasso, predicate="contains"))
print(f"  GEOS: precincts wholly within the lasso {len(hits):>6}: median {t:.3f} ms")
point_tree = shapely.STRtree(points)
t, hits = median_ms(lambda: point_tree.query(lasso, predicate="contains"))
print(f"  GEOS: representative points inside the lasso {len(hits):>6}: median {t:.3f} ms")
