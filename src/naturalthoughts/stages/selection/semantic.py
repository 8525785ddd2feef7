"""``semantic``: embedding diversity (NaturalThoughts §3.2: cluster question embeddings, sample uniformly per cluster).

Three methods on the ``embedding`` column (L2-normalised, i.e. cosine geometry):

* ``hdbscan`` — density-based, as in the paper: PCA to ``pca_dims`` (32) then ``sklearn.cluster.HDBSCAN``.
  HDBSCAN is superlinear (raw 384-dim takes most of an hour at 50k rows), so ``auto`` uses it up to 100k rows.
  Noise points (label -1) form one extra cluster (``noise="group"``) or count as one cluster each
  (``noise="singletons"``).
* ``kmeans`` — scalable cluster-balanced: k-means with many clusters (``clusters``, default rows/100 capped at
  1000) trained on a subsample of 64 points per cluster (scikit-learn, or faiss with ``kmeans_engine="faiss"``),
  then every row assigned to its nearest centroid (``kmeans_pca_dims=64`` does both after PCA: faster, coarser).
  ``auto`` picks it above 100k rows.
* ``kcenter`` — k-center greedy (farthest-point) for coverage. Exact over the whole pool when
  rows x N <= 2.5e8 (50k x 5k); above that it runs inside each k-means cluster with balanced quotas, because the exact
  greedy costs rows x N distance evaluations (2.8M x 100k is ~1e14 flops).

Rows are taken round-robin across clusters (a random cluster order each round), so every cluster gives the same
number of rows and small clusters' unused share goes to the others. ``selection_score`` is the row's inclusion
probability in its cluster (kcenter: its distance to the nearest earlier pick when it was picked).
"""

from __future__ import annotations

import numpy as np

from naturalthoughts.stages.selection.base import (
    Pool,
    Ranking,
    Strategy,
    balanced_quotas,
    compute_threads,
    round_robin,
    selection_threads,
)

HDBSCAN_MAX_ROWS = 100_000
EXACT_KCENTER_MAX_WORK = 2.5e8  # rows x N: 50k x 5k runs exact (~1e11 flops at 384 dims)
KMEANS_PLUSPLUS_MAX_WORK = 2e7
_CHUNK = 262_144
# Bytes of one block of assignment scores (rows x clusters float32): 262k rows x 1000 centroids was a 1 GiB
# temporary, which made the stage's peak grow with K rather than stay near the embeddings' size.
_SCORES_BLOCK_BYTES = 64 * 1024**2


def _seed_int(rng: np.random.Generator) -> int:
    return int(rng.integers(0, 2**31 - 1))


def default_clusters(rows: int) -> int:
    return int(min(1000, max(2, rows // 100), max(rows, 1)))


def cluster_hdbscan(pool: Pool, active: np.ndarray, rng: np.random.Generator, *, pca_dims: int = 32,
                    min_cluster_size: int = 10, noise: str = "group") -> tuple[np.ndarray, dict]:
    from sklearn.cluster import HDBSCAN
    from sklearn.decomposition import PCA

    x = pool.embeddings(active)
    dims = min(pca_dims, x.shape[1], len(active))
    if dims < x.shape[1]:
        x = PCA(n_components=dims, svd_solver="randomized", random_state=_seed_int(rng)).fit_transform(x)
    if len(active) < max(2, min_cluster_size):
        labels = np.zeros(len(active), dtype=np.int64)
    else:
        labels = HDBSCAN(min_cluster_size=min_cluster_size, copy=True).fit_predict(x).astype(np.int64)
    n_clusters = int(labels.max()) + 1 if len(labels) else 0
    is_noise = labels < 0
    if noise == "singletons":
        labels[is_noise] = n_clusters + np.arange(int(is_noise.sum()))
    elif noise == "group":
        labels[is_noise] = n_clusters
    else:
        raise ValueError(f"semantic: noise must be 'group' or 'singletons', not {noise!r}")
    return labels, {"pca_dims": int(dims), "min_cluster_size": min_cluster_size, "density_clusters": n_clusters,
                    "noise_points": int(is_noise.sum()), "noise": noise}


def train_kmeans(x: np.ndarray, k: int, rng: np.random.Generator, *, niter: int = 20, engine: str = "sklearn") -> np.ndarray:
    """Centroids of ``k`` clusters of the rows of ``x`` (k-means++ seeding where cheap, else random points).

    ``engine="sklearn"`` (default) runs scikit-learn's Lloyd on one thread. One thread, because sklearn sums each
    thread's partial centroids, so its centroids depend on the thread count in the last bits (measured: 4.5e-8
    apart for 1 vs 2 threads at 64k x 384, K=1000), and the thread count follows the idle cores: ids must not.
    Still 3x faster than faiss-cpu here (5.3 s vs 17.5 s for 64k x 384, K=1000; the faiss-cpu wheel bundles
    OpenBLAS 0.3.15, 3x slower per thread on this CPU than numpy's). ``engine="faiss"`` is for faiss builds that
    are fast where you run (GPU, MKL); faiss computes each centroid on one thread, so it is deterministic too.
    sklearn centres ``x`` in place during the fit and adds the mean back (no copy of the training set).
    """
    seed = _seed_int(rng)
    plusplus = len(x) * k <= KMEANS_PLUSPLUS_MAX_WORK
    if engine == "faiss":
        import faiss

        km = faiss.Kmeans(x.shape[1], k, niter=niter, seed=seed, verbose=False,
                          max_points_per_centroid=max(1, len(x) // k), min_points_per_centroid=1)
        init = None
        if plusplus:
            # faiss seeds with random points, which on small pools with unequal clusters often splits a big
            # cluster and merges small ones; k-means++ seeding avoids that and is cheap at this size.
            from sklearn.cluster import kmeans_plusplus

            init, _ = kmeans_plusplus(x, k, random_state=seed)
        km.train(x, init_centroids=init)
        return np.asarray(km.centroids, dtype=np.float32)
    if engine != "sklearn":
        raise ValueError(f"semantic: kmeans_engine must be 'sklearn' or 'faiss', not {engine!r}")
    from sklearn.cluster import KMeans
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        # copy_x=False: x is ours to centre in place (and put back); a copy was +98 MB at 64k x 384
        km = KMeans(k, init="k-means++" if plusplus else "random", n_init=1, max_iter=niter, random_state=seed,
                    copy_x=False).fit(x)
    return np.asarray(km.cluster_centers_, dtype=np.float32)


def cluster_kmeans(pool: Pool, active: np.ndarray, rng: np.random.Generator, *, clusters: int | None = None,
                   niter: int = 20, points_per_cluster: int = 64, kmeans_pca_dims: int = 0,
                   kmeans_engine: str = "sklearn") -> tuple[np.ndarray, dict]:
    """k-means on a subsample (:func:`train_kmeans`), then every row to its nearest centroid, block by block.

    64 training points per cluster (faiss's default is 256; at K=1000 x 384 dims that costs ~4x more for
    clusters that only steer balanced sampling). ``kmeans_pca_dims`` > 0 runs both on a PCA projection, ~2x cheaper,
    but on 200-topic synthetic data PCA-64 gave clusters of 16..715 rows where raw gave 24..238, so raw is the default.
    The assignment is one float32 matrix product per block in numpy (argmax of x.c - |c|^2/2 is the nearest
    centroid): 3.5x faster than a faiss IndexFlatL2 search here (1.7 s vs 5.9 s for 262k rows x 1000 centroids).
    """
    k = min(clusters or default_clusters(len(active)), len(active))
    train_n = min(len(active), k * points_per_cluster)
    train = active[np.sort(rng.choice(len(active), size=train_n, replace=False))]
    x = pool.embeddings(train)
    dim = x.shape[1]
    mean = components = None
    if kmeans_pca_dims and kmeans_pca_dims < dim and train_n > kmeans_pca_dims:
        from sklearn.decomposition import PCA

        pca = PCA(n_components=int(kmeans_pca_dims), svd_solver="randomized", random_state=_seed_int(rng)).fit(x)
        mean, components = pca.mean_.astype(np.float32), pca.components_.astype(np.float32)
        x = (x - mean) @ components.T
    centroids = train_kmeans(x, k, rng, niter=niter, engine=kmeans_engine)
    del x
    half_norms = 0.5 * np.einsum("ij,ij->i", centroids, centroids)
    labels = np.empty(len(active), dtype=np.int64)
    block_rows = int(min(_CHUNK, max(4096, _SCORES_BLOCK_BYTES // (4 * k))))
    for which, block in pool.embedding_blocks(active, block_rows):
        if components is not None:
            block = (block - mean) @ components.T
        scores = block @ centroids.T
        scores -= half_norms
        labels[which] = np.argmax(scores, axis=1)
    return labels, {"clusters": int(k), "train_points": int(train_n), "niter": niter, "kmeans_engine": kmeans_engine,
                    "kmeans_pca_dims": int(kmeans_pca_dims) if components is not None else int(dim)}


def farthest_points(x: np.ndarray, quota: int, first: int) -> tuple[np.ndarray, np.ndarray]:
    """Greedy k-center on unit vectors: start at ``first``, then repeatedly the point farthest from all picks.

    Returns (picked indices, distance of each pick to the nearest earlier pick; the first gets the radius its
    pick alone covers). Hand-written because sklearn/faiss offer no k-center greedy; it is ~10 lines of numpy.
    """
    quota = min(quota, len(x))
    picked = np.empty(quota, dtype=np.int64)
    radius = np.empty(quota, dtype=np.float64)
    if quota == 0:
        return picked, radius
    min_sq = np.maximum(2.0 - 2.0 * (x @ x[first]), 0.0)
    picked[0] = first
    radius[0] = float(np.sqrt(min_sq.max()))
    for i in range(1, quota):
        j = int(np.argmax(min_sq))
        picked[i], radius[i] = j, float(np.sqrt(min_sq[j]))
        np.minimum(min_sq, np.maximum(2.0 - 2.0 * (x @ x[j]), 0.0), out=min_sq)
    return picked, radius


def _map_threads(fn, items: np.ndarray) -> list:
    """``[fn(i) for i in items]`` on the idle cores' threads, one BLAS thread each.

    The clusters are independent and numpy releases the GIL in their gathers and matrix-vector products: two
    threads cover 2.8M rows' 1,000 clusters in 5.0 s instead of 6.7 s here (the greedy steps' Python holds the
    GIL the rest of the time); each result is the same as on one thread.
    """
    from concurrent.futures import ThreadPoolExecutor

    from threadpoolctl import threadpool_limits

    threads = min(selection_threads(), len(items))
    if threads <= 1:
        return [fn(int(i)) for i in items]
    with threadpool_limits(limits=1), ThreadPoolExecutor(threads) as workers:
        return list(workers.map(lambda i: fn(int(i)), items))


def _rank_kcenter(pool: Pool, active: np.ndarray, rng: np.random.Generator, limit: int, clusters: int | None,
                  kmeans_pca_dims: int, kmeans_engine: str) -> Ranking:
    # Loaded before the k-means it starts with, so that its sample and assignment read the matrix too instead of
    # streaming the column twice more; every cluster's members are then gathered from it.
    pool.load_embeddings()
    take = min(limit, len(active))
    if clusters is None:
        clusters = 1 if len(active) * take <= EXACT_KCENTER_MAX_WORK else default_clusters(len(active))
    if clusters <= 1:
        labels, info = np.zeros(len(active), dtype=np.int64), {"clusters": 1}
    else:
        labels, info = cluster_kmeans(pool, active, rng, clusters=clusters, kmeans_pca_dims=kmeans_pca_dims,
                                      kmeans_engine=kmeans_engine)
    sizes = np.bincount(labels)
    quotas = balanced_quotas(sizes, take)
    by_cluster = np.argsort(labels, kind="stable")
    bounds = np.r_[0, np.cumsum(sizes)]

    def cover(c: int) -> tuple[np.ndarray, np.ndarray]:
        members = by_cluster[bounds[c]:bounds[c + 1]]
        x = pool.embeddings(active[members])
        first = int(np.argmax(x @ x.mean(axis=0)))  # the member nearest the cluster's mean direction
        picked, r = farthest_points(x, int(quotas[c]), first)
        return members[picked], r

    clusters_to_cover = np.flatnonzero(quotas)
    chosen, within_rank, radius, group = [], [], [], []
    for c, (picked, r) in zip(clusters_to_cover, _map_threads(cover, clusters_to_cover)):
        chosen.append(picked)
        within_rank.append(np.arange(len(picked)))
        radius.append(r)
        group.append(np.full(len(picked), c))
    if not chosen:
        return Ranking(order=np.zeros(0, dtype=np.int64), scores=np.zeros(0))
    chosen_a, rank_a, radius_a, group_a = (np.concatenate(v) for v in (chosen, within_rank, radius, group))
    cluster_turn = rng.permutation(len(sizes))[group_a]  # round-robin across clusters, farthest-first within
    order = np.lexsort((cluster_turn, rank_a))
    info.update({"method": "kcenter", "max_pick_distance": float(radius_a[rank_a > 0].max()) if (rank_a > 0).any() else 0.0})
    return Ranking(order=active[chosen_a[order]], scores=radius_a[order], report=info)


def rank_semantic(pool: Pool, active: np.ndarray, rng: np.random.Generator, limit: int, method: str = "auto",
                  clusters: int | None = None, pca_dims: int = 32, min_cluster_size: int = 10,
                  noise: str = "group", kmeans_pca_dims: int = 0, kmeans_engine: str = "sklearn") -> Ranking:
    with compute_threads():
        return _rank_semantic(pool, active, rng, limit, method, clusters, pca_dims, min_cluster_size, noise,
                              kmeans_pca_dims, kmeans_engine)


def _rank_semantic(pool, active, rng, limit, method, clusters, pca_dims, min_cluster_size, noise, kmeans_pca_dims,
                   kmeans_engine) -> Ranking:
    if method == "auto":
        method = "hdbscan" if len(active) <= HDBSCAN_MAX_ROWS else "kmeans"
    if len(active) == 0:
        return Ranking(order=active, report={"method": method})
    if method == "kcenter":
        return _rank_kcenter(pool, active, rng, limit, clusters, kmeans_pca_dims, kmeans_engine)
    if method == "hdbscan":
        labels, info = cluster_hdbscan(pool, active, rng, pca_dims=pca_dims, min_cluster_size=min_cluster_size, noise=noise)
    elif method == "kmeans":
        labels, info = cluster_kmeans(pool, active, rng, clusters=clusters, kmeans_pca_dims=kmeans_pca_dims,
                                      kmeans_engine=kmeans_engine)
    else:
        raise ValueError(f"semantic: method must be auto, hdbscan, kmeans or kcenter, not {method!r}")
    sizes = np.bincount(labels)
    order = round_robin(labels, rng)
    nonempty = sizes[sizes > 0]
    info.update({"method": method, "groups": int(len(nonempty)), "group_size_min": int(nonempty.min()),
                 "group_size_median": float(np.median(nonempty)), "group_size_max": int(nonempty.max()),
                 "groups_covered": int(len(np.unique(labels[order[:limit]])))})
    return Ranking(order=active[order], groups=labels[order], group_sizes=sizes, report=info)


STRATEGY = Strategy(
    name="semantic",
    summary="cluster question embeddings (HDBSCAN / k-means / k-center greedy), sample evenly across clusters",
    paper="NaturalThoughts §3.2 semantic-embedding diversity (density-based clustering)",
    columns=("embedding",),
    rank=rank_semantic,
    options={"method": "auto", "clusters": None, "pca_dims": 32, "min_cluster_size": 10, "noise": "group",
             "kmeans_pca_dims": 0, "kmeans_engine": "sklearn"},
)
