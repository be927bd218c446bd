using System.Runtime.CompilerServices;

namespace LoadLab.Core.Traffic;

/// <summary>
/// xoshiro256** (Blackman and Vigna): a small, fast generator whose sequence is fixed by its seed on every
/// platform and .NET version, which <see cref="System.Random"/> does not promise. A mutable struct: keep it
/// in a field and never copy it, or two copies replay the same numbers.
/// </summary>
internal struct FastRandom
{
    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;

    public FastRandom(ulong seed)
    {
        // SplitMix64 spreads any seed (also 0) over the whole state, as the xoshiro authors recommend.
        _s0 = SplitMix64(ref seed);
        _s1 = SplitMix64(ref seed);
        _s2 = SplitMix64(ref seed);
        _s3 = SplitMix64(ref seed);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong NextUInt64()
    {
        var result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, <paramref name="bound"/>) by Lemire's multiply-shift (bias below 2^-32 for int bounds).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int NextInt(int bound) => (int)(((NextUInt64() >> 32) * (ulong)(uint)bound) >> 32);

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>One step of SplitMix64, also used to mix seeds and ids.</summary>
    public static ulong SplitMix64(ref ulong state)
    {
        state += 0x9E3779B97F4A7C15UL;
        return Mix(state);
    }

    /// <summary>The SplitMix64 finaliser: a bijective 64-bit mix.</summary>
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>
    /// A seed that depends only on the scenario seed, the stream name, the producer index and a purpose
    /// (so keys and payloads draw from independent sequences). <see cref="HashCode"/> is randomised per
    /// process, so the name is hashed with FNV-1a instead.
    /// </summary>
    public static ulong DeriveSeed(int scenarioSeed, string streamName, int producerIndex, ulong purpose)
    {
        var hash = 0xCBF29CE484222325UL;
        foreach (var c in streamName)
        {
            hash = (hash ^ c) * 0x100000001B3UL;
        }

        var state = hash ^ ((ulong)(uint)scenarioSeed << 32) ^ (uint)producerIndex;
        state = Mix(state) ^ purpose;
        return SplitMix64(ref state);
    }
}
