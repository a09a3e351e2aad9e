using System.Numerics;

namespace Recurrent.Tensors;

/// <summary>
/// A small, fast, seedable pseudo-random generator (xoshiro256**, seeded through SplitMix64) behind every random
/// choice Recurrent makes: weight initialisation, dropout masks, training windows, sampling, synthetic datasets.
/// </summary>
/// <remarks>
/// Its sequence depends only on the seed, on every platform and .NET version, which makes runs reproducible bit
/// for bit. It is not thread-safe: give each thread its own generator (<see cref="Fork"/>).
/// Reference: Blackman and Vigna, "Scrambled linear pseudorandom number generators", 2018.
/// </remarks>
public sealed class Rng
{
    private ulong _s0, _s1, _s2, _s3;
    private double _spareNormal;
    private bool _hasSpare;

    /// <summary>Creates a generator whose whole sequence is determined by <paramref name="seed"/>.</summary>
    /// <param name="seed">Any 64-bit value.</param>
    public Rng(ulong seed) => Reseed(seed);

    /// <summary>Restarts the generator as if it had just been created with <paramref name="seed"/> (no allocation).</summary>
    /// <param name="seed">Any 64-bit value.</param>
    public void Reseed(ulong seed)
    {
        ulong x = seed;
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
        _hasSpare = false;
    }

    /// <summary>The generator's full state, so a checkpoint can resume the same sequence.</summary>
    public ulong[] State
    {
        get => [_s0, _s1, _s2, _s3, BitConverter.DoubleToUInt64Bits(_spareNormal), _hasSpare ? 1UL : 0UL];
        set
        {
            if (value is not { Length: 6 }) throw new ArgumentException("An Rng state has 6 words.", nameof(value));
            (_s0, _s1, _s2, _s3) = (value[0], value[1], value[2], value[3]);
            _spareNormal = BitConverter.UInt64BitsToDouble(value[4]);
            _hasSpare = value[5] != 0;
        }
    }

    /// <summary>The next 64 random bits.</summary>
    /// <returns>A uniformly distributed 64-bit value.</returns>
    public ulong NextUInt64()
    {
        ulong result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitOperations.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>A uniform double in <c>[0, 1)</c> with 53 random bits.</summary>
    /// <returns>The value.</returns>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A uniform float in <c>[0, 1)</c> with 24 random bits.</summary>
    /// <returns>The value.</returns>
    public float NextFloat() => (NextUInt64() >> 40) * (1.0f / (1 << 24));

    /// <summary>A uniform integer in <c>[0, maxExclusive)</c>, without modulo bias.</summary>
    /// <param name="maxExclusive">The bound; must be positive.</param>
    /// <returns>The value.</returns>
    public int Next(int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxExclusive);
        // Lemire's multiply-shift with rejection.
        ulong bound = (ulong)maxExclusive;
        ulong threshold = (0UL - bound) % bound;
        while (true)
        {
            ulong r = NextUInt64();
            UInt128 product = (UInt128)r * bound;
            if ((ulong)product >= threshold) return (int)(product >> 64);
        }
    }

    /// <summary>A uniform integer in <c>[minInclusive, maxExclusive)</c>.</summary>
    /// <param name="minInclusive">Lower bound.</param>
    /// <param name="maxExclusive">Upper bound; greater than <paramref name="minInclusive"/>.</param>
    /// <returns>The value.</returns>
    public int Next(int minInclusive, int maxExclusive) => minInclusive + Next(maxExclusive - minInclusive);

    /// <summary>A standard normal sample (Box–Muller, both values used).</summary>
    /// <returns>A draw from N(0, 1).</returns>
    public double NextNormal()
    {
        if (_hasSpare)
        {
            _hasSpare = false;
            return _spareNormal;
        }
        double u1 = 1.0 - NextDouble(); // (0, 1]: log stays finite
        double u2 = NextDouble();
        double r = Math.Sqrt(-2.0 * Math.Log(u1));
        _spareNormal = r * Math.Sin(2 * Math.PI * u2);
        _hasSpare = true;
        return r * Math.Cos(2 * Math.PI * u2);
    }

    /// <summary>Fills <paramref name="destination"/> with uniform values in <c>[low, high)</c>.</summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="destination">The values to overwrite.</param>
    /// <param name="low">Lower bound.</param>
    /// <param name="high">Upper bound.</param>
    public void FillUniform<T>(Span<T> destination, double low, double high) where T : IFloatingPointIeee754<T>
    {
        for (int i = 0; i < destination.Length; i++) destination[i] = T.CreateTruncating(low + (high - low) * NextDouble());
    }

    /// <summary>Fills <paramref name="destination"/> with normal values of the given mean and standard deviation.</summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="destination">The values to overwrite.</param>
    /// <param name="mean">Mean.</param>
    /// <param name="std">Standard deviation.</param>
    public void FillNormal<T>(Span<T> destination, double mean, double std) where T : IFloatingPointIeee754<T>
    {
        for (int i = 0; i < destination.Length; i++) destination[i] = T.CreateTruncating(mean + std * NextNormal());
    }

    /// <summary>Shuffles <paramref name="items"/> in place (Fisher–Yates).</summary>
    /// <typeparam name="TItem">Item type.</typeparam>
    /// <param name="items">The items to permute.</param>
    public void Shuffle<TItem>(Span<TItem> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>A new generator seeded from this one, for an independent stream (another thread, another component).</summary>
    /// <returns>The new generator.</returns>
    public Rng Fork() => new(NextUInt64());

    private static ulong SplitMix(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
