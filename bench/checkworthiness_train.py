"""Train and evaluate the check-worthiness model (intake/checkworthiness.py) on the CLEF 2019
CheckThat! Task 1 transcripts, which are read from their folder and never copied into the repository.

    pip install -e ".[train]"   # scikit-learn, for training only; the site scores in pure Python
    python bench/checkworthiness_train.py                      # cross-validate, then write the model
    python bench/checkworthiness_train.py --evaluate-only      # cross-validate only
    python bench/checkworthiness_train.py --baseline           # also a plain TF-IDF + LR, for comparison

Evaluation: leave one transcript out. For each of the 19 transcripts a model is trained on the other
18 exactly as the shipped one is (vocabulary, regularisation, pruning), turned into the shipped
format and scored by the site's own pure-Python scorer; the transcript's sentences are ranked by it
and its average precision computed. MAP is the mean over the transcripts (the lab's measure).
"""

import argparse
import json
import math
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from intake import checkworthiness as cw  # noqa: E402 - after the path is set

DEFAULT_DATA = ROOT.parent / "shared" / "datasets" / "clef2019-checkworthiness" / "training"


def read_transcripts(folder):
    """[(name, [(speaker, text, label), ...]), ...] in file-name order."""
    transcripts = []
    for path in sorted(Path(folder).glob("*.tsv")):
        rows = []
        for line in path.read_text(encoding="utf-8").splitlines():
            _number, speaker, text, label = line.split("\t")[:4]
            rows.append((speaker, text, int(label)))
        transcripts.append((path.stem, rows))
    if not transcripts:
        raise SystemExit(f"No .tsv transcripts in {folder}: pass --data with the CLEF 2019 training folder.")
    return transcripts


def average_precision(scores, labels):
    order = sorted(range(len(scores)), key=lambda i: (-scores[i], i))
    hits, total = 0, 0.0
    for rank, i in enumerate(order, 1):
        if labels[i]:
            hits += 1
            total += hits / rank
    return total / max(1, sum(labels))


def precision_at(scores, labels, k):
    order = sorted(range(len(scores)), key=lambda i: (-scores[i], i))[:k]
    return sum(labels[i] for i in order) / k


def fit(rows_features, labels, *, c, min_df, max_words):
    """A Model trained on these feature dicts: words seen in fewer than min_df sentences are left
    out, then all but the max_words heaviest words are dropped and the model is refitted on what is
    left (so the shipped weights are those of the pruned model, not a truncation)."""
    import numpy as np
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    def train(features):
        vectorizer = DictVectorizer()
        matrix = vectorizer.fit_transform(features).tocsr()
        # liblinear/lbfgs want 32-bit sparse indices.
        matrix.indices, matrix.indptr = matrix.indices.astype(np.int32), matrix.indptr.astype(np.int32)
        lr = LogisticRegression(C=c, class_weight="balanced", max_iter=5000)
        lr.fit(matrix, labels)
        return float(lr.intercept_[0]), dict(zip(vectorizer.feature_names_, map(float, lr.coef_[0]), strict=True))

    df = Counter(name for values in rows_features for name in values if name.startswith("w:"))
    kept = {name for name, n in df.items() if n >= min_df}
    features = [{n: v for n, v in values.items() if not n.startswith("w:") or n in kept} for values in rows_features]
    _bias, weights = train(features)
    words = sorted((n for n in weights if n.startswith("w:")), key=lambda n: -abs(weights[n]))[:max_words]
    kept = set(words)
    features = [{n: v for n, v in values.items() if not n.startswith("w:") or n in kept} for values in features]
    bias, weights = train(features)
    return cw.Model(bias=round(bias, 4), weights={n: round(w, 4) for n, w in sorted(weights.items()) if w})


def cross_validate(transcripts, features, **params):
    """Leave one transcript out; returns [(name, AP, P@10, positives), ...]."""
    results = []
    for k, (name, rows) in enumerate(transcripts):
        train_x = [f for i, fs in enumerate(features) if i != k for f in fs]
        train_y = [label for i, (_, rs) in enumerate(transcripts) if i != k for *_, label in rs]
        model = fit(train_x, train_y, **params)
        scores = [model.margin(f) for f in features[k]]
        labels = [label for *_, label in rows]
        results.append((name, average_precision(scores, labels), precision_at(scores, labels, 10), sum(labels)))
    return results


def baseline(transcripts):
    """TF-IDF over word unigrams and bigrams + logistic regression, the lab's usual baseline."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    aps = []
    for k, (_name, rows) in enumerate(transcripts):
        train = [(text, label) for i, (_, rs) in enumerate(transcripts) if i != k for _, text, label in rs]
        vectorizer = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
        matrix = vectorizer.fit_transform([t for t, _ in train])
        lr = LogisticRegression(C=1.0, class_weight="balanced", max_iter=5000).fit(matrix, [y for _, y in train])
        scores = lr.decision_function(vectorizer.transform([text for _, text, _ in rows]))
        aps.append(average_precision(list(scores), [label for *_, label in rows]))
    return sum(aps) / len(aps)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=str(DEFAULT_DATA), help="folder of the CLEF 2019 training .tsv files")
    parser.add_argument("--out", default=str(cw.MODEL_PATH), help="where to write the model (JSON)")
    parser.add_argument("--c", type=float, default=0.01, help="inverse regularisation strength")
    parser.add_argument("--min-df", type=int, default=3, help="a word must occur in this many training sentences")
    parser.add_argument("--words", type=int, default=400, help="how many words the model keeps")
    parser.add_argument("--evaluate-only", action="store_true", help="cross-validate without writing the model")
    parser.add_argument("--baseline", action="store_true", help="also cross-validate TF-IDF + LR for comparison")
    args = parser.parse_args(argv)

    transcripts = read_transcripts(args.data)
    features = [[cw.features(text) for _, text, _ in rows] for _, rows in transcripts]
    params = {"c": args.c, "min_df": args.min_df, "max_words": args.words}
    started = time.perf_counter()
    results = cross_validate(transcripts, features, **params)
    cv_map = sum(ap for _, ap, _, _ in results) / len(results)
    print(f"Leave-one-transcript-out over {len(results)} transcripts ({time.perf_counter() - started:.0f} s):")
    for name, ap, p10, positives in results:
        print(f"  {name:32} AP {ap:.4f}  P@10 {p10:.2f}  ({positives} check-worthy)")
    print(f"MAP {cv_map:.4f}   mean P@10 {sum(r[2] for r in results) / len(results):.3f}")
    if args.baseline:
        print(f"Baseline TF-IDF (1-2 grams) + LR, same folds: MAP {baseline(transcripts):.4f}")
    if args.evaluate_only:
        return
    all_x = [f for fs in features for f in fs]
    all_y = [label for _, rows in transcripts for *_, label in rows]
    model = fit(all_x, all_y, **params)
    model.about = {
        "trained_on": "CLEF 2019 CheckThat! Task 1 training transcripts "
        f"({len(transcripts)} transcripts, {len(all_y)} sentences, {sum(all_y)} check-worthy)",
        "method": "logistic regression, balanced class weights, L2; cues of intake/checkworthiness.py and words",
        "params": params,
        "cross_validated_map": round(cv_map, 4),
        "made_by": "bench/checkworthiness_train.py",
    }
    Path(args.out).write_text(json.dumps(model.to_json(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    words = sum(1 for n in model.weights if n.startswith("w:"))
    print(f"Wrote {args.out}: {len(model.weights) - words} cues and lengths, {words} words.")
    if not math.isfinite(model.bias):
        raise SystemExit("The model did not converge.")


if __name__ == "__main__":
    main()
