"""TensorFlow's string hashes, in Python: FarmHash Fingerprint64,
SipHash-2-4, and the FingerprintCat64 that combines fingerprints.

Keras' lookup and hashing layers bucket strings with TensorFlow's
`tf.strings.to_hash_bucket_fast` (FarmHash's `Fingerprint64`, the
`farmhashna` 64-bit hash) and `to_hash_bucket_strong` (SipHash-2-4 keyed by
a salt of two integers). ember computes the same values without
TensorFlow, on the UTF-8 bytes of each string. `tf.sparse.cross_hashed`
(Keras' HashedCrossing) folds features into one hash with
`FingerprintCat64`, here vectorised in numpy.
"""

from collections.abc import Iterable

import numpy as np

_MASK = (1 << 64) - 1
_K0 = 0xC3A5C85C97CB3127
_K1 = 0xB492B66FBE98F273
_K2 = 0x9AE16A3B2F90404F


def _rotate(value: int, shift: int) -> int:
    return ((value >> shift) | (value << (64 - shift))) & _MASK


def _shift_mix(value: int) -> int:
    return value ^ (value >> 47)


def _fetch64(data: bytes, at: int) -> int:
    return int.from_bytes(data[at : at + 8], "little")


def _fetch32(data: bytes, at: int) -> int:
    return int.from_bytes(data[at : at + 4], "little")


def _hash_len16(u: int, v: int, mul: int) -> int:
    a = ((u ^ v) * mul) & _MASK
    a ^= a >> 47
    b = ((v ^ a) * mul) & _MASK
    b ^= b >> 47
    return (b * mul) & _MASK


def _hash_len0to16(data: bytes) -> int:
    length = len(data)
    if length >= 8:
        mul = _K2 + length * 2
        a = (_fetch64(data, 0) + _K2) & _MASK
        b = _fetch64(data, length - 8)
        c = (_rotate(b, 37) * mul + a) & _MASK
        d = ((_rotate(a, 25) + b) * mul) & _MASK
        return _hash_len16(c, d, mul)
    if length >= 4:
        mul = _K2 + length * 2
        a = _fetch32(data, 0)
        return _hash_len16(length + (a << 3), _fetch32(data, length - 4), mul)
    if length > 0:
        y = data[0] + (data[length >> 1] << 8)
        z = length + (data[length - 1] << 2)
        return (_shift_mix(((y * _K2) ^ (z * _K0)) & _MASK) * _K2) & _MASK
    return _K2


def _hash_len17to32(data: bytes) -> int:
    length = len(data)
    mul = _K2 + length * 2
    a = (_fetch64(data, 0) * _K1) & _MASK
    b = _fetch64(data, 8)
    c = (_fetch64(data, length - 8) * mul) & _MASK
    d = (_fetch64(data, length - 16) * _K2) & _MASK
    return _hash_len16(
        (_rotate((a + b) & _MASK, 43) + _rotate(c, 30) + d) & _MASK,
        (a + _rotate((b + _K2) & _MASK, 18) + c) & _MASK,
        mul,
    )


def _hash_len33to64(data: bytes) -> int:
    length = len(data)
    mul = _K2 + length * 2
    a = (_fetch64(data, 0) * _K2) & _MASK
    b = _fetch64(data, 8)
    c = (_fetch64(data, length - 8) * mul) & _MASK
    d = (_fetch64(data, length - 16) * _K2) & _MASK
    y = (_rotate((a + b) & _MASK, 43) + _rotate(c, 30) + d) & _MASK
    z = _hash_len16(y, (a + _rotate((b + _K2) & _MASK, 18) + c) & _MASK, mul)
    e = (_fetch64(data, 16) * mul) & _MASK
    f = _fetch64(data, 24)
    g = ((y + _fetch64(data, length - 32)) * mul) & _MASK
    h = ((z + _fetch64(data, length - 24)) * mul) & _MASK
    return _hash_len16(
        (_rotate((e + f) & _MASK, 43) + _rotate(g, 30) + h) & _MASK,
        (e + _rotate((f + a) & _MASK, 18) + g) & _MASK,
        mul,
    )


def _weak_hash_len32(data: bytes, at: int, a: int, b: int) -> tuple:
    w = _fetch64(data, at)
    x = _fetch64(data, at + 8)
    y = _fetch64(data, at + 16)
    z = _fetch64(data, at + 24)
    a = (a + w) & _MASK
    b = _rotate((b + a + z) & _MASK, 21)
    c = a
    a = (a + x + y) & _MASK
    b = (b + _rotate(a, 44)) & _MASK
    return (a + z) & _MASK, (b + c) & _MASK


def fingerprint64(data: bytes) -> int:
    """FarmHash's `Fingerprint64` of `data` (TensorFlow's fast hash).

    Args:
        data: the bytes to hash.

    Returns:
        The unsigned 64-bit hash, as a Python int.
    """
    length = len(data)
    if length <= 16:
        return _hash_len0to16(data)
    if length <= 32:
        return _hash_len17to32(data)
    if length <= 64:
        return _hash_len33to64(data)
    seed = 81
    x = seed
    y = (seed * _K1 + 113) & _MASK
    z = (_shift_mix((y * _K2 + 113) & _MASK) * _K2) & _MASK
    v = (0, 0)
    w = (0, 0)
    x = (x * _K2 + _fetch64(data, 0)) & _MASK
    end = ((length - 1) // 64) * 64
    last64 = end + ((length - 1) & 63) - 63
    at = 0
    while True:
        x = (_rotate((x + y + v[0] + _fetch64(data, at + 8)) & _MASK, 37)) * _K1
        x &= _MASK
        y = (_rotate((y + v[1] + _fetch64(data, at + 48)) & _MASK, 42)) * _K1
        y &= _MASK
        x ^= w[1]
        y = (y + v[0] + _fetch64(data, at + 40)) & _MASK
        z = (_rotate((z + w[0]) & _MASK, 33) * _K1) & _MASK
        v = _weak_hash_len32(data, at, (v[1] * _K1) & _MASK, (x + w[0]) & _MASK)
        w = _weak_hash_len32(
            data,
            at + 32,
            (z + w[1]) & _MASK,
            (y + _fetch64(data, at + 16)) & _MASK,
        )
        z, x = x, z
        at += 64
        if at == end:
            break
    mul = _K1 + ((z & 0xFF) << 1)
    at = last64
    w0 = (w[0] + ((length - 1) & 63)) & _MASK
    v0 = (v[0] + w0) & _MASK
    w0 = (w0 + v0) & _MASK
    v = (v0, v[1])
    w = (w0, w[1])
    x = _rotate((x + y + v[0] + _fetch64(data, at + 8)) & _MASK, 37) * mul
    x &= _MASK
    y = _rotate((y + v[1] + _fetch64(data, at + 48)) & _MASK, 42) * mul
    y &= _MASK
    x ^= (w[1] * 9) & _MASK
    y = (y + v[0] * 9 + _fetch64(data, at + 40)) & _MASK
    z = (_rotate((z + w[0]) & _MASK, 33) * mul) & _MASK
    v = _weak_hash_len32(data, at, (v[1] * mul) & _MASK, (x + w[0]) & _MASK)
    w = _weak_hash_len32(
        data, at + 32, (z + w[1]) & _MASK, (y + _fetch64(data, at + 16)) & _MASK
    )
    z, x = x, z
    return _hash_len16(
        (_hash_len16(v[0], w[0], mul) + _shift_mix(y) * _K0 + z) & _MASK,
        (_hash_len16(v[1], w[1], mul) + x) & _MASK,
        mul,
    )


def _rotl(value: int, shift: int) -> int:
    return ((value << shift) | (value >> (64 - shift))) & _MASK


def _sip_rounds(v: list, count: int) -> None:
    v0, v1, v2, v3 = v
    for _ in range(count):
        v0 = (v0 + v1) & _MASK
        v1 = _rotl(v1, 13) ^ v0
        v0 = _rotl(v0, 32)
        v2 = (v2 + v3) & _MASK
        v3 = _rotl(v3, 16) ^ v2
        v0 = (v0 + v3) & _MASK
        v3 = _rotl(v3, 21) ^ v0
        v2 = (v2 + v1) & _MASK
        v1 = _rotl(v1, 17) ^ v2
        v2 = _rotl(v2, 32)
    v[:] = [v0, v1, v2, v3]


def siphash64(key: tuple[int, int], data: bytes) -> int:
    """SipHash-2-4 of `data` under a 128-bit key (TensorFlow's strong hash).

    Args:
        key: two unsigned 64-bit integers.
        data: the bytes to hash.

    Returns:
        The unsigned 64-bit hash, as a Python int.
    """
    k0, k1 = key[0] & _MASK, key[1] & _MASK
    v = [
        k0 ^ 0x736F6D6570736575,
        k1 ^ 0x646F72616E646F6D,
        k0 ^ 0x6C7967656E657261,
        k1 ^ 0x7465646279746573,
    ]
    length = len(data)
    whole = length - length % 8
    for at in range(0, whole, 8):
        m = _fetch64(data, at)
        v[3] ^= m
        _sip_rounds(v, 2)
        v[0] ^= m
    last = int.from_bytes(data[whole:], "little") | ((length & 0xFF) << 56)
    v[3] ^= last
    _sip_rounds(v, 2)
    v[0] ^= last
    v[2] ^= 0xFF
    _sip_rounds(v, 4)
    return v[0] ^ v[1] ^ v[2] ^ v[3]


def hash_buckets(
    values: Iterable[str], num_buckets: int, salt: tuple | None = None
) -> np.ndarray:
    """The bucket of each string, as TensorFlow's `to_hash_bucket_*`.

    Args:
        values: strings (hashed as UTF-8).
        num_buckets: how many buckets.
        salt: None for FarmHash64, else the SipHash key (two integers).

    Returns:
        An int64 array of buckets in `[0, num_buckets)`.
    """
    if salt is None:
        hashes = [fingerprint64(v.encode("utf-8")) for v in values]
    else:
        key = (int(salt[0]), int(salt[1]))
        hashes = [siphash64(key, v.encode("utf-8")) for v in values]
    return np.array([h % num_buckets for h in hashes], dtype="int64")


def fingerprints(texts: np.ndarray) -> np.ndarray:
    """`fingerprint64` of each string of an array (each distinct one once).

    Args:
        texts: a numpy `str` array (hashed as UTF-8).

    Returns:
        A uint64 array of the same shape.
    """
    texts = np.asarray(texts)
    unique, inverse = np.unique(texts, return_inverse=True)
    hashes = np.array(
        [fingerprint64(t.encode("utf-8")) for t in unique.tolist()],
        dtype=np.uint64,
    )
    return hashes[inverse.reshape(-1)].reshape(texts.shape)


_CAT_MUL = np.uint64(0xC6A4A7935BD1E995)
_SHIFT = np.uint64(47)


def _shift_mix_array(value: np.ndarray) -> np.ndarray:
    return value ^ (value >> _SHIFT)


def fingerprint_cat64(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """TensorFlow's `FingerprintCat64`: two fingerprints combined into one.

    Args:
        first: a uint64 array (or scalar), the hash so far.
        second: a uint64 array of the same shape, the fingerprint to add.

    Returns:
        The combined uint64 array (arithmetic modulo 2**64).
    """
    # On 1-d views: numpy wraps uint64 arrays silently, but warns on
    # overflow of 0-d ones.
    first = np.asarray(first, dtype=np.uint64)
    shape = first.shape
    first = first.reshape(-1)
    second = np.asarray(second, dtype=np.uint64).reshape(-1)
    result = first ^ _CAT_MUL
    result ^= _shift_mix_array(second * _CAT_MUL) * _CAT_MUL
    result *= _CAT_MUL
    result = _shift_mix_array(result) * _CAT_MUL
    return _shift_mix_array(result).reshape(shape)
