"""Compiled kernels of the entity tagger (numba, `cache=True`): feature keys, the feature table, Viterbi
decoding and the averaged-perceptron epoch.

Everything here works on whole arrays of one batch of texts laid end to end (`offsets[s]:offsets[s+1]` is text
s), so Python touches each text a constant number of times, never each character.

Labels are BIOES over three types: 0 = O, and for type t (0 PER, 1 LOC, 2 ORG) B = 1+4t, I = 2+4t, E = 3+4t,
S = 4+4t. Training keeps weight rows of ROW = 16 numbers (13 used); the shipped model keeps int8 rows in
16-byte slots (see "inference").

Features of character i are 64-bit keys hashed from a template number and the values it reads (`_char_keys`):
normalized characters around i (digits fold to one symbol, Latin letters to another), the rjieba word that
holds i (its position B/M/E/S in the word, its POS tag, the word itself, its length) and its neighbours,
dictionary matches around i (`lattice`: the longest dictionary word of each entity-like class starting or
ending at i), how far ahead the next organization or place suffix ends (`suffix_distances`) and
one-character abbreviations of countries and provinces. The hash is fixed arithmetic on uint64, so keys are
the same on every machine.
"""
from __future__ import annotations

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.core import cgutils
from numba.extending import intrinsic

N_LABELS = 13
ROW = 16
START = 13          # transition row of the sentence start
END = 14            # transition row of the sentence end
N_TEMPLATES = 36    # upper bound of features per character (columns of the id matrix)

_BOS = 0x110001     # character codes outside Unicode for the positions before / after a text
_EOS = 0x110002
_DIGIT = 0x110003
_LATIN = 0x110004
_SPACE = 0x110005

_M1 = np.uint64(0x100000001B3)
_M2 = np.uint64(0xBF58476D1CE4E5B9)
_M3 = np.uint64(0x94D049BB133111EB)
_SEED = np.uint64(0x243F6A8885A308D3)
_K0 = np.uint64(0x9E3779B97F4A7C15)
_K1 = np.uint64(0xC2B2AE3D27D4EB4F)
_K2 = np.uint64(0x165667B19E3779F9)
_K3 = np.uint64(0xD6E8FEB86659FD93)
_S29 = np.uint64(29)
_S31 = np.uint64(31)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_ONE = np.uint64(1)

# classes of dictionary words used by the lattice features (bit i of a word's class mask)
N_CLASSES = 4       # 0 person-like (nr*), 1 place-like (ns), 2 organization-like (nt), 3 other proper (nz)
MAX_WORD = 8        # longest dictionary word looked up


@njit(cache=True)
def _mix(h, v):
    h = (h ^ np.uint64(v)) * _M1
    return h ^ (h >> _S29)


@njit(cache=True)
def _final(h):
    h = (h ^ (h >> _S30)) * _M2
    h = (h ^ (h >> _S27)) * _M3
    return (h ^ (h >> _S31)) | _ONE          # never 0 (0 marks an empty slot of the table)


@intrinsic
def _prefetch(typingctx, arr, index):
    """Start loading the cache line of arr.flat[index] (arr C-contiguous) and go on: LLVM's prefetch, for reads,
    into all cache levels. A lookup that follows it a few hundred instructions later finds the line there,
    so the misses of a whole batch of lookups wait for memory together instead of one after another."""
    sig = types.void(arr, index)

    def codegen(context, builder, signature, args):
        data = context.make_array(signature.args[0])(context, builder, args[0]).data
        i8p = ir.IntType(8).as_pointer()
        i32 = ir.IntType(32)
        fn = cgutils.get_or_insert_function(builder.module, ir.FunctionType(ir.VoidType(), [i8p, i32, i32, i32]),
                                            "llvm.prefetch.p0i8")
        builder.call(fn, [builder.bitcast(builder.gep(data, [args[1]]), i8p), ir.Constant(i32, 0),
                          ir.Constant(i32, 3), ir.Constant(i32, 1)])
        return context.get_dummy_value()

    return sig, codegen


@njit(cache=True)
def normalize(cp):
    """Character codes -> the symbols the character features read."""
    out = np.empty(cp.shape[0], np.int64)
    for i in range(cp.shape[0]):
        c = cp[i]
        if 48 <= c <= 57:
            out[i] = _DIGIT
        elif 65 <= c <= 90 or 97 <= c <= 122:
            out[i] = _LATIN
        elif c == 32 or c == 9 or c == 10 or c == 13:
            out[i] = _SPACE
        else:
            out[i] = c
    return out


@njit(cache=True)
def word_hash(cp, a, b):
    h = _SEED
    for j in range(a, b):
        h = _mix(h, cp[j])
    return _final(h)


# ---------------------------------------------------------------------------------------- hash table

@njit(cache=True)
def table_build(keys, size_log2):
    """Open-addressing table of `keys` (distinct, non-zero): slot -> key, slot -> index into `keys`."""
    size = 1 << size_log2
    mask = np.uint64(size - 1)
    slots = np.zeros(size, np.uint64)
    vals = np.full(size, -1, np.int32)
    for n in range(keys.shape[0]):
        k = keys[n]
        j = (k >> np.uint64(7)) & mask
        while slots[j] != 0 and slots[j] != k:
            j = (j + _ONE) & mask
        slots[j] = k
        vals[j] = n
    return slots, vals


@njit(cache=True)
def table_get(slots, vals, k):
    mask = np.uint64(slots.shape[0] - 1)
    j = (k >> np.uint64(7)) & mask
    while True:
        s = slots[j]
        if s == k:
            return vals[j]
        if s == 0:
            return -1
        j = (j + _ONE) & mask


# ------------------------------------------------------------------------------------------ features

@njit(cache=True)
def dictionary_keys(cp, offsets):
    """Hash keys of dictionary words (laid end to end) and of all their proper prefixes."""
    nw = offsets.shape[0] - 1
    words = np.empty(nw, np.uint64)
    prefixes = np.empty(cp.shape[0], np.uint64)
    k = 0
    for w in range(nw):
        h = _SEED
        for j in range(offsets[w], offsets[w + 1]):
            h = _mix(h, cp[j])
            if j < offsets[w + 1] - 1:
                prefixes[k] = _final(h)
                k += 1
        words[w] = _final(h)
    return words, prefixes[:k]


PREFIX = 1 << N_CLASSES      # the bit of a dictionary key's mask saying that it is a proper prefix of a word


@njit(cache=True)
def lattice(cp, offsets, dict_slots, dict_vals, dict_masks):
    """For every character, the longest dictionary word of each class that starts there (`starts[i, c]`)
    and that ends there (`ends[i, c]`), 0 when none; words never cross a text boundary. The dictionary is one
    table (`table_build`) of the keys of its words and of their proper prefixes; `dict_masks[index]` has the
    word's class bits and PREFIX when the key is a proper prefix (the walk from i goes on only then).

    Words have two characters or more, and every prefix of a word is in the table, so the walk from i starts
    at the pair (i, i + 1). A first pass over the text asks for the table lines of all its pairs (`_prefetch`):
    most walks end at that first lookup, and the lookups then find their lines in cache."""
    n = cp.shape[0]
    starts = np.zeros((n, N_CLASSES), np.int8)
    ends = np.zeros((n, N_CLASSES), np.int8)
    smask = np.uint64(dict_slots.shape[0] - 1)
    for s in range(offsets.shape[0] - 1):
        a, b = offsets[s], offsets[s + 1]
        for i in range(a, b - 1):
            k = _final(_mix(_mix(_SEED, cp[i]), cp[i + 1]))
            _prefetch(dict_slots, np.int64((k >> np.uint64(7)) & smask))
        for i in range(a, b - 1):
            h = _mix(_SEED, cp[i])
            lim = min(b, i + MAX_WORD)
            for j in range(i + 1, lim):
                h = _mix(h, cp[j])
                q = table_get(dict_slots, dict_vals, _final(h))
                if q < 0:
                    break
                m = dict_masks[q]
                ln = j - i + 1
                for c in range(N_CLASSES):
                    if m & (1 << c):
                        if ln > starts[i, c]:
                            starts[i, c] = ln
                        if ln > ends[j, c]:
                            ends[j, c] = ln
                if not m & PREFIX:
                    break
    return starts, ends


@njit(cache=True)
def word_info(sym, offsets, word_ends, word_tags, word_offsets):
    """Per character: position in its word (0 S, 1 B, 2 M, 3 E), the word's tag, hash and length, and the
    previous and next words' tags and hashes (0 at a text's edge). Words of text s are
    `word_ends[word_offsets[s]:word_offsets[s+1]]` (ends relative to the text's start)."""
    n = sym.shape[0]
    pos = np.zeros(n, np.int8)          # small values in bytes (tags: under 128, len(POS_TAGS) + 1)
    tag = np.zeros(n, np.int8)
    wh = np.zeros(n, np.uint64)
    wlen = np.zeros(n, np.int8)
    ptag = np.zeros(n, np.int8)
    ntag = np.zeros(n, np.int8)
    pwh = np.zeros(n, np.uint64)
    nwh = np.zeros(n, np.uint64)
    for s in range(offsets.shape[0] - 1):
        a = offsets[s]
        w0, w1 = word_offsets[s], word_offsets[s + 1]
        nw = w1 - w0
        hashes = np.empty(nw, np.uint64)
        prev_end = 0
        for w in range(nw):
            e = word_ends[w0 + w]
            hashes[w] = word_hash(sym, a + prev_end, a + e)
            prev_end = e
        prev_end = 0
        for w in range(nw):
            e = word_ends[w0 + w]
            ln = e - prev_end
            t = word_tags[w0 + w]
            pt = word_tags[w0 + w - 1] if w > 0 else 0
            nt = word_tags[w0 + w + 1] if w + 1 < nw else 0
            ph = hashes[w - 1] if w > 0 else np.uint64(0)
            nh = hashes[w + 1] if w + 1 < nw else np.uint64(0)
            for j in range(prev_end, e):
                i = a + j
                if ln == 1:
                    pos[i] = 0
                elif j == prev_end:
                    pos[i] = 1
                elif j == e - 1:
                    pos[i] = 3
                else:
                    pos[i] = 2
                tag[i] = t
                wh[i] = hashes[w]
                wlen[i] = ln if ln < 5 else 5
                ptag[i] = pt
                ntag[i] = nt
                pwh[i] = ph
                nwh[i] = nh
            prev_end = e
    return pos, tag, wh, wlen, ptag, ntag, pwh, nwh


@njit(cache=True)
def _c(sym, a, b, i):
    if i < a:
        return _BOS
    if i >= b:
        return _EOS
    return sym[i]


@njit(cache=True)
def _key(t, x, y, z):
    """The key of template t reading the values x, y, z: odd multipliers and xor-shifts, then the 64-bit
    finalizer (5 multiplications; keys of one character and template differ in every bit)."""
    h = np.uint64(t) * _K0 + np.uint64(x) * _K1
    h = (h ^ (h >> _S29)) + np.uint64(y) * _K2
    h = (h ^ (h >> _S29)) + np.uint64(z) * _K3
    return _final(h)


@njit(cache=True)
def _char_keys(r, sym, a, b, i, pos, tag, wh, wlen, ptag, ntag, pwh, nwh, lat_s, lat_e, org_d, loc_d, abbr):
    """The feature keys of character i of the text sym[a:b] into r (0 where a template is absent). The first
    number of each key names its template."""
    for j in range(r.shape[0]):
        r[j] = 0
    c0 = sym[i]
    cm1 = _c(sym, a, b, i - 1)
    cp1 = _c(sym, a, b, i + 1)
    cm2 = _c(sym, a, b, i - 2)
    cp2 = _c(sym, a, b, i + 2)
    # characters around i: unigrams at -3..+3, bigrams, the pair around i, trigrams
    r[0] = _key(0, 0, 0, 0)
    r[1] = _key(1, c0, 0, 0)
    r[2] = _key(2, cm1, 0, 0)
    r[3] = _key(3, cp1, 0, 0)
    r[4] = _key(4, cm2, 0, 0)
    r[5] = _key(5, cp2, 0, 0)
    r[6] = _key(6, cm1, c0, 0)
    r[7] = _key(7, c0, cp1, 0)
    r[8] = _key(8, cm2, cm1, 0)
    r[9] = _key(9, cp1, cp2, 0)
    r[10] = _key(10, cm1, cp1, 0)
    r[11] = _key(11, cm1, c0, cp1)
    r[12] = _key(12, cm2, cm1, c0)
    r[13] = _key(13, c0, cp1, cp2)
    r[14] = _key(14, _c(sym, a, b, i - 3), 0, 0)
    r[15] = _key(15, _c(sym, a, b, i + 3), 0, 0)
    # the rjieba word holding i: position in it, POS tag, the word, its length, its neighbours
    p = pos[i]
    r[16] = _key(16, p, tag[i], 0)
    r[17] = _key(17, p, wh[i], 0)
    r[18] = _key(18, p, tag[i], ptag[i])
    r[19] = _key(19, p, tag[i], ntag[i])
    r[20] = _key(20, p, pwh[i], 0)
    r[21] = _key(21, p, nwh[i], 0)
    r[22] = _key(22, p, wlen[i], tag[i])
    r[23] = _key(37, p, pwh[i], wh[i])
    r[24] = _key(38, p, wh[i], nwh[i])
    # lexicons: the next organization / place suffix ahead, one-character abbreviations (中美), then the
    # longest dictionary word of each class starting / ending at i
    if org_d[i] >= 0:
        r[25] = _key(39, org_d[i], 0, 0)
    if loc_d[i] >= 0:
        r[26] = _key(40, loc_d[i], 0, 0)
    if abbr[i]:
        r[27] = _key(41, abbr[i], abbr[i - 1] if i > a else 0, abbr[i + 1] if i + 1 < b else 0)
    k = 28
    for c in range(N_CLASSES):
        if lat_s[i, c]:
            r[k] = _key(23 + c, lat_s[i, c], 0, 0)
            k += 1
        if lat_e[i, c]:
            r[k] = _key(27 + c, lat_e[i, c], 0, 0)
            k += 1


@njit(cache=True)
def feature_keys(sym, offsets, pos, tag, wh, wlen, ptag, ntag, pwh, nwh, lat_s, lat_e, org_d, loc_d, abbr):
    """The feature keys of every character: a [n, N_TEMPLATES] uint64 matrix, 0 where a template is absent
    (training reads it; inference uses `tag_texts`, which never materializes it)."""
    n = sym.shape[0]
    out = np.zeros((n, N_TEMPLATES), np.uint64)
    for s in range(offsets.shape[0] - 1):
        a, b = offsets[s], offsets[s + 1]
        for i in range(a, b):
            _char_keys(out[i], sym, a, b, i, pos, tag, wh, wlen, ptag, ntag, pwh, nwh, lat_s, lat_e, org_d,
                       loc_d, abbr)
    return out


@njit(cache=True)
def lookup(keys, slots, vals):
    """Feature keys -> row ids (-1 for features the model does not have)."""
    n, m = keys.shape
    out = np.full((n, m), -1, np.int32)
    for i in range(n):
        for j in range(m):
            k = keys[i, j]
            if k != 0:
                out[i, j] = table_get(slots, vals, k)
    return out


# ------------------------------------------------------------------------------------------- decoding

@njit(cache=True)
def allowed():
    """allowed[p, c]: label c may follow label p (rows START/END: may begin / end a text)."""
    ok = np.zeros((15, ROW), np.bool_)
    for c in range(N_LABELS):
        kind = (c - 1) % 4 if c > 0 else -1      # 0 B, 1 I, 2 E, 3 S
        opens = c == 0 or kind == 0 or kind == 3
        for p in range(N_LABELS):
            pk = (p - 1) % 4 if p > 0 else -1
            if p == 0 or pk == 2 or pk == 3:     # after O, E or S: O, B or S
                ok[p, c] = opens
            else:                                # after B or I: I or E of the same type
                ok[p, c] = (kind == 1 or kind == 2) and (c - 1) // 4 == (p - 1) // 4
        ok[START, c] = opens
        ok[END, c] = c == 0 or kind == 2 or kind == 3
    return ok


@njit(cache=True)
def _emissions(ids, a, b, W):
    n = b - a
    E = np.zeros((n, N_LABELS), np.float32)
    for i in range(n):
        row = ids[a + i]
        for j in range(row.shape[0]):
            f = row[j]
            if f >= 0:
                w = W[f]
                for c in range(N_LABELS):
                    E[i, c] += w[c]
    return E


@njit(cache=True)
def _viterbi(E, T, ok, out, a):
    n = E.shape[0]
    if n == 0:
        return
    NEG = np.float32(-1e30)
    score = np.empty((n, N_LABELS), np.float32)
    back = np.zeros((n, N_LABELS), np.int8)
    for c in range(N_LABELS):
        score[0, c] = E[0, c] + T[START, c] if ok[START, c] else NEG
    for i in range(1, n):
        for c in range(N_LABELS):
            best = NEG
            arg = 0
            for p in range(N_LABELS):
                if ok[p, c]:
                    v = score[i - 1, p] + T[p, c]
                    if v > best:
                        best = v
                        arg = p
            score[i, c] = best + E[i, c]
            back[i, c] = arg
    best = NEG
    arg = 0
    for c in range(N_LABELS):
        if ok[END, c]:
            v = score[n - 1, c] + T[END, c]
            if v > best:
                best = v
                arg = c
    for i in range(n - 1, -1, -1):
        out[a + i] = arg
        arg = back[i, arg]


@njit(cache=True)
def decode(ids, offsets, W, T):
    """Best label sequence of every text under the BIOES constraints."""
    ok = allowed()
    out = np.zeros(ids.shape[0], np.int8)
    for s in range(offsets.shape[0] - 1):
        a, b = offsets[s], offsets[s + 1]
        _viterbi(_emissions(ids, a, b, W), T, ok, out, a)
    return out


@njit(cache=True)
def spans(labels, offsets):
    """Labels -> (text index, start, end, type) rows, offsets relative to the text."""
    n = labels.shape[0]
    res = np.zeros((n, 4), np.int64)
    k = 0
    for s in range(offsets.shape[0] - 1):
        a, b = offsets[s], offsets[s + 1]
        start = -1
        for i in range(a, b):
            lab = labels[i]
            if lab == 0:
                start = -1
                continue
            kind = (lab - 1) % 4
            if kind == 0:
                start = i
            elif kind == 3:
                res[k, 0] = s
                res[k, 1] = i - a
                res[k, 2] = i - a + 1
                res[k, 3] = (lab - 1) // 4
                k += 1
                start = -1
            elif kind == 2 and start >= 0:
                res[k, 0] = s
                res[k, 1] = start - a
                res[k, 2] = i - a + 1
                res[k, 3] = (lab - 1) // 4
                k += 1
                start = -1
    return res[:k]


# ------------------------------------------------------------------------------------------- training

@njit(cache=True)
def train_epoch(ids, offsets, gold, order, W, U, T, TU, step):
    """One averaged-perceptron pass over the texts in `order`. W/T are the current integer weights, U/TU the
    step-weighted sums of their updates (the average is W - U / step at the end). Returns (step, errors)."""
    ok = allowed()
    pred = np.zeros(ids.shape[0], np.int8)
    Wf = np.empty((1, ROW), np.float32)
    errors = 0
    for o in range(order.shape[0]):
        s = order[o]
        a, b = offsets[s], offsets[s + 1]
        step += 1
        if b == a:
            continue
        n = b - a
        E = np.zeros((n, N_LABELS), np.float32)
        for i in range(n):
            row = ids[a + i]
            for j in range(row.shape[0]):
                f = row[j]
                if f >= 0:
                    for c in range(N_LABELS):
                        E[i, c] += W[f, c]
        Tf = T.astype(np.float32)
        _viterbi(E, Tf, ok, pred, a)
        wrong = False
        for i in range(a, b):
            if pred[i] != gold[i]:
                wrong = True
                break
        if not wrong:
            continue
        errors += 1
        for i in range(a, b):
            g, p = gold[i], pred[i]
            if g != p:
                row = ids[i]
                for j in range(row.shape[0]):
                    f = row[j]
                    if f >= 0:
                        W[f, g] += 1
                        U[f, g] += step
                        W[f, p] -= 1
                        U[f, p] -= step
            gp = gold[i - 1] if i > a else START
            pp = pred[i - 1] if i > a else START
            if gp != pp or g != p:
                T[gp, g] += 1
                TU[gp, g] += step
                T[pp, p] -= 1
                TU[pp, p] -= step
        g, p = gold[b - 1], pred[b - 1]
        if g != p:
            T[END, g] += 1
            TU[END, g] += step
            T[END, p] -= 1
            TU[END, p] -= step
    return step, errors


# ------------------------------------------------------------------------------------ inference (fused)
# The shipped model is two tables of 16-byte slots (13 int8 weights, one per label, in units of the model's
# scale, and a 24-bit fingerprint of the feature key in bytes 13-15; 0 = empty slot), open addressing with
# linear probing: `hot`, the features seen most often in training, small enough to stay in a core's cache,
# and `cold`, all the others, behind a Bloom filter so that most keys the model does not have (unseen n-grams
# and words) never reach it. A key that is not in the model matches a stored fingerprint with odds of about 1
# in 16 million per probe; such a stray feature adds one row of small weights to one character.

_FP_SHIFT = np.uint64(40)
_FP_MASK = np.uint64(0xFFFFFF)
_SLOT_SHIFT = np.uint64(7)


@njit(cache=True)
def _fingerprint(k):
    fp = np.int64((k >> _FP_SHIFT) & _FP_MASK)
    return fp if fp != 0 else 1


@njit(cache=True)
def slots_build(keys, weights, size_log2):
    """keys: uint64 [n] distinct; weights: int8 [n, N_LABELS] -> the [2**size_log2, 16] slot table (weights
    stored biased by 128 as unsigned bytes, fingerprint in bytes 13-15)."""
    size = 1 << size_log2
    mask = np.uint64(size - 1)
    table = np.zeros((size, ROW), np.int8)
    for n in range(keys.shape[0]):
        k = keys[n]
        fp = _fingerprint(k)
        j = (k >> _SLOT_SHIFT) & mask
        while table[j, 13] != 0 or table[j, 14] != 0 or table[j, 15] != 0:
            j = (j + _ONE) & mask
        for c in range(N_LABELS):
            table[j, c] = np.int8(np.uint8(np.int64(weights[n, c]) + 128))     # biased: 0..255, 128 = 0
        table[j, 13] = np.int8(np.uint8(fp & 0xFF))
        table[j, 14] = np.int8(np.uint8((fp >> 8) & 0xFF))
        table[j, 15] = np.int8(np.uint8((fp >> 16) & 0xFF))
    return table


@njit(cache=True)
def _slot_of(table, words, k):
    """Slot index of key k, -1 when the table has no such feature. `words` is the table viewed as uint32 [S, 4]:
    its last word holds weight 12 in its low byte and the fingerprint above it (one load a probe)."""
    mask = np.uint64(table.shape[0] - 1)
    fp = np.uint32(_fingerprint(k))
    j = (k >> _SLOT_SHIFT) & mask
    while True:
        f = words[j, 3] >> np.uint32(8)
        if f == fp:
            return np.int64(j)
        if f == 0:
            return np.int64(-1)
        j = (j + _ONE) & mask


_BLOOM_MUL = np.uint64(0x9E3779B97F4A7C15)


@njit(cache=True)
def bloom_build(keys, log2_blocks):
    """A blocked Bloom filter of `keys`: 512-bit blocks (one cache line), three bits a key."""
    nblocks = 1 << log2_blocks
    bits = np.zeros(nblocks * 8, np.uint64)
    for n in range(keys.shape[0]):
        h = keys[n] * _BLOOM_MUL
        block = np.int64(h >> np.uint64(64 - log2_blocks)) if log2_blocks > 0 else np.int64(0)
        for sh in (0, 9, 18):
            bit = np.int64((h >> np.uint64(sh)) & np.uint64(511))
            bits[block * 8 + (bit >> 6)] |= np.uint64(1) << np.uint64(bit & 63)
    return bits


@njit(cache=True)
def bloom_maybe(bits, log2_blocks, k):
    h = k * _BLOOM_MUL
    block = np.int64(h >> np.uint64(64 - log2_blocks)) if log2_blocks > 0 else np.int64(0)
    for sh in (0, 9, 18):
        bit = np.int64((h >> np.uint64(sh)) & np.uint64(511))
        if not (bits[block * 8 + (bit >> 6)] >> np.uint64(bit & 63)) & np.uint64(1):
            return False
    return True


WAYS = 4


@njit(cache=True)
def buckets_build(keys, weights, log2_buckets):
    """A table of 2**log2_buckets buckets of WAYS slots (one 64-byte cache line each) for the keys (most
    important first) that find a free slot in their bucket, and one last row of zero weights that a key
    not in the table reads instead: (int8 [buckets * WAYS + 1, 16] table, placed mask). A lookup reads one
    line and compares four fingerprints without a branch."""
    nb = 1 << log2_buckets
    mask = np.uint64(nb - 1)
    table = np.zeros((nb * WAYS + 1, ROW), np.int8)
    for c in range(N_LABELS):                       # the last row: weight 0 everywhere, no fingerprint
        table[nb * WAYS, c] = np.int8(np.uint8(128))
    placed = np.zeros(keys.shape[0], np.bool_)
    for n in range(keys.shape[0]):
        k = keys[n]
        fp = _fingerprint(k)
        base = np.int64((k >> _SLOT_SHIFT) & mask) * WAYS
        free = -1
        clash = False
        for w in range(WAYS):
            j = base + w
            f = (np.int64(np.uint8(table[j, 13])) | (np.int64(np.uint8(table[j, 14])) << 8)
                 | (np.int64(np.uint8(table[j, 15])) << 16))
            if f == fp:
                clash = True
            elif f == 0 and free < 0:
                free = j
        if clash or free < 0:
            continue
        for c in range(N_LABELS):
            table[free, c] = np.int8(np.uint8(np.int64(weights[n, c]) + 128))  # biased: 0..255, 128 = 0
        table[free, 13] = np.int8(np.uint8(fp & 0xFF))
        table[free, 14] = np.int8(np.uint8((fp >> 8) & 0xFF))
        table[free, 15] = np.int8(np.uint8((fp >> 16) & 0xFF))
        placed[n] = True
    return table, placed


_U0, _U1, _U2, _U3, _U5, _U6, _U7, _U8, _U63 = (np.uint64(v) for v in (0, 1, 2, 3, 5, 6, 7, 8, 63))


@njit(cache=True)
def _bloom_block(k, log2_blocks):
    """The 512-bit block of the Bloom filter that holds key k's bits."""
    return np.int64((k * _BLOOM_MUL) >> np.uint64(64 - log2_blocks)) if log2_blocks > 0 else np.int64(0)


@njit(cache=True)
def _bloom_bits(bits, log2_blocks, k):
    """1 if the Bloom filter may hold k, else 0 (no branch; unsigned indices, which need no fix-up)."""
    h = k * _BLOOM_MUL
    w = np.uint64(_bloom_block(k, log2_blocks)) * _U8
    b0 = h & np.uint64(511)
    b1 = (h >> np.uint64(9)) & np.uint64(511)
    b2 = (h >> np.uint64(18)) & np.uint64(511)
    x = (bits[w + (b0 >> _U6)] >> (b0 & _U63)) & (bits[w + (b1 >> _U6)] >> (b1 & _U63)) \
        & (bits[w + (b2 >> _U6)] >> (b2 & _U63))
    return np.int64(x & _U1)


_EVEN = np.uint64(0x00FF00FF00FF00FF)      # bytes 0, 2, 4, 6 of a word as four 16-bit lanes
_EVEN_HI = np.uint64(0x000000FF00FF00FF)   # bytes 8, 10, 12 (13-15 are the fingerprint)
_ODD_HI = np.uint64(0x0000000000FF00FF)    # bytes 9, 11
_B8 = np.uint64(8)
_B40 = np.uint64(40)
_L16 = np.uint64(0xFFFF)


BLOCK = 64          # characters whose keys `tag_texts` looks up in the hot table before their Bloom and cold pass
_CLOSED = (0, 3, 4, 7, 8, 11, 12)   # O, E-x, S-x: the labels after which O, B-x or S-x may come
_OPENING = (0, 1, 4, 5, 8, 9, 12)   # O, B-x, S-x: the labels that may come after them (and begin a text)


@njit(cache=True)
def tag_texts(sym, offsets, pos, tag, wh, wlen, ptag, ntag, pwh, nwh, lat_s, lat_e, org_d, loc_d, abbr,
              hot_words, cold, cold_words, bloom, bloom_log2, T):
    """Labels of every text: features, emission scores and Viterbi (`_viterbi_bioes`), one text at a time;
    `T` is the int32 transition matrix in the tables' units. Nothing of size (characters x features) outlives
    a block of BLOCK characters.

    `hot_words` is the bucket table (`buckets_build`) viewed as uint64 [2 * slots], read with unsigned
    indices (numba adds no negative-index fix-up to those), `cold` a slot table (`slots_build`), `cold_words`
    it viewed as uint32 [slots, 4]. The keys of a block of BLOCK characters are computed first
    (`_char_keys`), asking for the hot buckets they will read (`_prefetch`). Every key reads one row of `hot`
    without a branch (its own, or the zero row when hot lacks it); the rows' biased bytes are summed in 16-bit
    lanes of four words (SWAR: 13 labels in 10 instructions a row) and unbiased once a character.
    The keys hot lacks (about four in ten) are kept; after each block of characters a loop asks for the
    Bloom filter's lines of all of them (`_prefetch`), the next asks the filter, one more asks for the `cold`
    lines of the keys it lets through and the last looks those up: memory serves a block's misses together."""
    out = np.zeros(sym.shape[0], np.int8)
    keys = np.zeros((BLOCK, N_TEMPLATES), np.uint64)
    maxlen = 1
    for s in range(offsets.shape[0] - 1):
        maxlen = max(maxlen, offsets[s + 1] - offsets[s])
    E = np.zeros((maxlen, ROW), np.int64)
    miss_key = np.zeros(BLOCK * N_TEMPLATES + 1, np.uint64)
    miss_pos = np.zeros(BLOCK * N_TEMPLATES + 1, np.int64)
    cand_key = np.zeros(BLOCK * N_TEMPLATES + 1, np.uint64)
    cand_pos = np.zeros(BLOCK * N_TEMPLATES + 1, np.int64)
    back = np.zeros((maxlen, N_LABELS), np.int8)
    zero_row = np.uint64(hot_words.shape[0] - 2)                # first word of the last (zero) row
    hmask = np.uint64((hot_words.shape[0] // 2 - 1) // WAYS - 1)
    cmask = np.uint64(cold.shape[0] - 1)
    for s in range(offsets.shape[0] - 1):
        a, b = offsets[s], offsets[s + 1]
        if b == a:
            continue
        for start in range(a, b, BLOCK):
            m = 0
            stop = min(b, start + BLOCK)
            for i in range(start, stop):
                r = keys[i - start]
                _char_keys(r, sym, a, b, i, pos, tag, wh, wlen, ptag, ntag, pwh, nwh, lat_s, lat_e, org_d, loc_d,
                           abbr)
                for j in range(N_TEMPLATES):
                    _prefetch(hot_words, np.int64((r[j] >> _SLOT_SHIFT) & hmask) * (2 * WAYS))
            for i in range(start, stop):
                r = keys[i - start]
                s0 = np.uint64(0)
                s1 = np.uint64(0)
                s2 = np.uint64(0)
                s3 = np.uint64(0)
                rows = 0
                for j in range(N_TEMPLATES):
                    k = r[j]
                    if k == 0:
                        continue
                    rows += 1
                    fp = np.uint64(_fingerprint(k))
                    w = ((k >> _SLOT_SHIFT) & hmask) * _U8             # the bucket's first word
                    m1 = np.uint64((hot_words[w + _U3] >> _B40) == fp)  # fingerprints: second word of a slot
                    m2 = np.uint64((hot_words[w + _U5] >> _B40) == fp)
                    m3 = np.uint64((hot_words[w + _U7] >> _B40) == fp)
                    uhit = np.uint64((hot_words[w + _U1] >> _B40) == fp) | m1 | m2 | m3
                    w = ((w + _U2 * (m1 + _U2 * m2 + _U3 * m3)) & (_U0 - uhit)) | (zero_row & (uhit - _U1))
                    x0 = hot_words[w]
                    x1 = hot_words[w + _U1]
                    hit = np.int64(uhit)
                    s0 += x0 & _EVEN
                    s1 += (x0 >> _B8) & _EVEN
                    s2 += x1 & _EVEN_HI
                    s3 += (x1 >> _B8) & _ODD_HI
                    miss_key[m] = k                     # kept when hot lacks it
                    miss_pos[m] = i - a
                    m += 1 - hit
                e = E[i - a]
                bias = np.int64(128 * rows)
                for lane in range(4):
                    sh = np.uint64(16 * lane)
                    e[2 * lane] = np.int64((s0 >> sh) & _L16) - bias
                    e[2 * lane + 1] = np.int64((s1 >> sh) & _L16) - bias
                for lane in range(3):
                    sh = np.uint64(16 * lane)
                    e[8 + 2 * lane] = np.int64((s2 >> sh) & _L16) - bias
                for lane in range(2):
                    sh = np.uint64(16 * lane)
                    e[9 + 2 * lane] = np.int64((s3 >> sh) & _L16) - bias
            for x in range(m):
                _prefetch(bloom, _bloom_block(miss_key[x], bloom_log2) * 8)
            c = 0
            for x in range(m):
                k = miss_key[x]
                cand_key[c] = k                         # a candidate for the cold table, kept or not
                cand_pos[c] = miss_pos[x]
                c += _bloom_bits(bloom, bloom_log2, k)
            for x in range(c):
                _prefetch(cold, np.int64((cand_key[x] >> _SLOT_SHIFT) & cmask) * ROW)
            for x in range(c):
                q = _slot_of(cold, cold_words, cand_key[x])
                if q >= 0:
                    e = E[cand_pos[x]]
                    for lab in range(N_LABELS):
                        e[lab] += np.int64(np.uint8(cold[q, lab])) - 128
        _viterbi_bioes(E, b - a, T, back, out, a)
    return out


@njit(cache=True)
def _viterbi_bioes(E, n, T, back, out, a):
    """The best labels of one text from its emission scores E[:n] into out[a:a + n], in integers, under the
    BIOES structure: O, B and S follow O, E or S (`_CLOSED`); I and E follow B or I of their own type. Ties
    go to the first candidate in label order. `back` is scratch of at least n rows."""
    NEG = np.int64(-(1 << 50))
    closed = np.array(_CLOSED)
    opening = np.array(_OPENING)
    Tc = np.empty((7, 7), np.int64)             # Tc[y, x]: from closed label x to opening label y
    for y in range(7):
        for x in range(7):
            Tc[y, x] = T[closed[x], opening[y]]
    prev = np.empty(N_LABELS, np.int64)
    cur = np.empty(N_LABELS, np.int64)
    pc = np.empty(7, np.int64)
    for c in range(N_LABELS):
        kind = (c - 1) & 3
        prev[c] = E[0, c] + T[START, c] if (c == 0 or kind == 0 or kind == 3) else NEG
    for t in range(1, n):
        for x in range(7):
            pc[x] = prev[closed[x]]
        for y in range(7):
            best = pc[0] + Tc[y, 0]
            arg = 0
            for x in range(1, 7):
                v = pc[x] + Tc[y, x]
                if v > best:
                    best = v
                    arg = x
            c = opening[y]
            cur[c] = best + E[t, c]
            back[t, c] = closed[arg]
        for ty in range(3):                     # I and E of type ty: after its B or its I
            bb = 1 + 4 * ty
            for c in (bb + 1, bb + 2):
                v1 = prev[bb] + T[bb, c]
                v2 = prev[bb + 1] + T[bb + 1, c]
                if v1 >= v2:
                    cur[c] = v1 + E[t, c]
                    back[t, c] = bb
                else:
                    cur[c] = v2 + E[t, c]
                    back[t, c] = bb + 1
        for c in range(N_LABELS):
            prev[c] = cur[c]
    best = NEG
    arg = 0
    for x in range(7):                          # a text ends on O, E or S
        c = closed[x]
        v = prev[c] + T[END, c]
        if v > best:
            best = v
            arg = c
    for t in range(n - 1, -1, -1):
        out[a + t] = arg
        arg = back[t, arg]


# ---------------------------------------------------------------------------------- suffix lookahead
# How far ahead, within the clause, the next word that ends an organization (公司, 委员会, 局 ...) or a place
# (省, 市, 镇, 街道 ...) name ends: a long name ("黑龙江省牡丹江市煤气公司") is decided at its first
# character, which a window of a few characters cannot see past.
MAX_AHEAD = 12
_CLAUSE_END = np.zeros(0x10000, np.bool_)          # characters that end a clause (a constant of the kernels)
_CLAUSE_END[[0x3002, 0xFF0C, 0x3001, 0xFF1B, 0xFF1A, 0xFF01, 0xFF1F, 44, 46, 59, 58, 33, 63, 10, 32, 9,
             0x201C, 0x201D, 0x300A, 0x300B, 0xFF08, 0xFF09, 40, 41]] = True


@njit(cache=True)
def char_classes(cp, classes):
    """The class of each character, `classes[code]` (0 = none, and for codes past the table)."""
    out = np.zeros(cp.shape[0], np.int64)
    for i in range(cp.shape[0]):
        if cp[i] < classes.shape[0]:
            out[i] = classes[cp[i]]
    return out


@njit(cache=True)
def suffix_marks(cp, offsets, word_ends, word_offsets, slots, vals, masks, last):
    """marks[i] = class bits (1 organization, 2 place) of a suffix word that ends a token at character i.
    `last[code]`: some suffix word ends with that character (the other tokens are not looked up)."""
    marks = np.zeros(cp.shape[0], np.int8)
    for s in range(offsets.shape[0] - 1):
        a = offsets[s]
        for w in range(word_offsets[s], word_offsets[s + 1]):
            e = a + word_ends[w]            # exclusive end of the token
            if e == a or cp[e - 1] >= last.shape[0] or not last[cp[e - 1]]:
                continue
            start = a + (word_ends[w - 1] if w > word_offsets[s] else 0)
            for ln in range(1, 7):
                if e - ln < start - 3 or e - ln < a:
                    break
                h = _SEED
                for j in range(e - ln, e):
                    h = _mix(h, cp[j])
                q = table_get(slots, vals, _final(h))
                if q >= 0:
                    marks[e - 1] |= masks[q]
    return marks


@njit(cache=True)
def suffix_distances(cp, offsets, marks):
    """Characters from i to the end of the next organization / place suffix in the clause (0 = it ends at i),
    -1 when there is none within MAX_AHEAD."""
    n = cp.shape[0]
    org = np.full(n, -1, np.int8)
    loc = np.full(n, -1, np.int8)
    for s in range(offsets.shape[0] - 1):
        a, b = offsets[s], offsets[s + 1]
        next_org = -1
        next_loc = -1
        for i in range(b - 1, a - 1, -1):
            c = cp[i]
            if c < 0x10000 and _CLAUSE_END[c]:
                next_org = -1
                next_loc = -1
                continue
            if marks[i] & 1:
                next_org = i
            if marks[i] & 2:
                next_loc = i
            if next_org >= 0 and next_org - i <= MAX_AHEAD:
                org[i] = next_org - i
            if next_loc >= 0 and next_loc - i <= MAX_AHEAD:
                loc[i] = next_loc - i
    return org, loc



@njit(cache=True)
def may_occur_untaken(cp, offsets, doc, start, end):
    """flags[k] is False only when the characters of span k (text doc[k], offsets start[k]:end[k] within it;
    two or more) occur nowhere in that text that no span covers any character of (spans sorted by text; cp:
    the texts laid end to end). The test is by their first two characters: a set of the character pairs
    of the text outside every span, one open-addressing table a text."""
    m = start.shape[0]
    flags = np.zeros(m, np.bool_)
    longest = 0
    for s in range(offsets.shape[0] - 1):
        longest = max(longest, offsets[s + 1] - offsets[s])
    bits = 4
    while (1 << bits) < 2 * longest + 2:
        bits += 1
    table = np.zeros(1 << bits, np.uint64)      # pair keys (never 0), a table per text told apart by `stamp`
    stamp = np.full(1 << bits, -1, np.int64)
    mark = np.zeros(longest + 1, np.bool_)
    k = 0
    while k < m:
        s = doc[k]
        a, b = offsets[s], offsets[s + 1]
        n = b - a
        k1 = k
        while k1 < m and doc[k1] == s:
            k1 += 1
        shift = np.uint64(64 - bits)
        mask = (1 << bits) - 1
        mark[:n] = False
        for q in range(k, k1):
            for i in range(start[q], end[q]):
                mark[i] = True
        for i in range(n - 1):
            if mark[i] or mark[i + 1]:
                continue
            key = (np.uint64(cp[a + i]) << np.uint64(21)) | np.uint64(cp[a + i + 1]) | np.uint64(1 << 63)
            h = np.int64((key * _K0) >> shift)
            while stamp[h] == s and table[h] != key:
                h = (h + 1) & mask
            stamp[h] = s
            table[h] = key
        for q in range(k, k1):
            if end[q] - start[q] < 2:
                continue
            key = (np.uint64(cp[a + start[q]]) << np.uint64(21)) | np.uint64(cp[a + start[q] + 1]) | np.uint64(1 << 63)
            h = np.int64((key * _K0) >> shift)
            while stamp[h] == s:
                if table[h] == key:
                    flags[q] = True
                    break
                h = (h + 1) & mask
        k = k1
    return flags
