using System.Diagnostics;
using Recurrent.Tensors;

namespace Recurrent.Tests.Fuzzing;

/// <summary>An input that broke a rule: what it was made from, what happened, and its bytes.</summary>
/// <param name="Index">Its position in the run.</param>
/// <param name="Seed">The seed file it was mutated from.</param>
/// <param name="Mutations">What the mutator did.</param>
/// <param name="Problem">The exception (type and message), the time, or the allocation that broke the rule.</param>
/// <param name="Bytes">The input.</param>
public sealed record FuzzFailure(long Index, string Seed, string Mutations, string Problem, byte[] Bytes);

/// <summary>What a fuzzing run did.</summary>
/// <param name="Inputs">Inputs run.</param>
/// <param name="Elapsed">Wall time.</param>
/// <param name="SlowestMilliseconds">The slowest input's time.</param>
/// <param name="LargestAllocation">The most bytes one input allocated, and that input's length.</param>
/// <param name="Failures">The inputs that broke a rule (the first of each distinct problem).</param>
public sealed record FuzzReport(long Inputs, TimeSpan Elapsed, double SlowestMilliseconds, (long Bytes, int InputLength) LargestAllocation, IReadOnlyList<FuzzFailure> Failures);

/// <summary>
/// A deterministic, structure-aware mutation fuzzer of Recurrent's loaders (no dependency; the same seed gives the same
/// inputs on every machine). Each input, a <see cref="Mutator"/> mutation of a <see cref="FuzzSeeds"/> file, is run
/// through <see cref="FuzzTargets.Run"/>, and must (1) raise nothing but the loaders' own
/// <see cref="InvalidDataException"/>, (2) finish within <see cref="TimeLimit"/>, and (3) allocate at most
/// <see cref="AllocationBound"/> bytes for its length.
/// </summary>
/// <remarks>
/// The allocation bound is <c>8 × length + 1 MiB</c>. The factor covers what a successful load legitimately holds per
/// byte of file: an F16 tensor widened to float (2×) or double (4×) and the rebuilt model's own copy of its weights
/// (1×) for safetensors; the UTF-16 text (2×), the decoding buffer (2×) and the int ids (4×) of an ASCII corpus. The
/// constant covers the JSON header's DOM, the models' bookkeeping, and the 64 KiB character table of a vocabulary. A
/// file that makes a loader allocate in proportion to a size it merely declares breaks it at once.
/// </remarks>
public static class LoaderFuzzer
{
    /// <summary>The longest one input may take.</summary>
    public static readonly TimeSpan TimeLimit = TimeSpan.FromSeconds(1);

    /// <summary>The most bytes one input of <paramref name="length"/> bytes may make the loaders allocate.</summary>
    /// <param name="length">The input's length.</param>
    /// <returns>The bound.</returns>
    public static long AllocationBound(int length) => 8L * length + (1 << 20);

    /// <summary>Runs the seeds unmutated (which must load), then mutated inputs until <paramref name="inputs"/> or <paramref name="duration"/>.</summary>
    /// <param name="seed">The mutator's seed.</param>
    /// <param name="inputs">How many mutated inputs to run at most.</param>
    /// <param name="duration">How long to run at most.</param>
    /// <returns>What happened.</returns>
    public static FuzzReport Run(ulong seed, long inputs, TimeSpan duration)
    {
        var failures = new List<FuzzFailure>();
        var problems = new HashSet<string>(StringComparer.Ordinal);
        foreach (var s in FuzzSeeds.All) FuzzTargets.Run(s.Format, s.Bytes); // warm up; a seed must not fail at all
        var mutator = new Mutator(new Rng(seed), FuzzSeeds.All);
        var clock = Stopwatch.StartNew();
        double slowest = 0;
        (long Bytes, int InputLength) largest = (0, 0);
        long count = 0;
        for (; count < inputs && clock.Elapsed < duration; count++)
        {
            var (from, mutations, bytes) = mutator.Next();
            string? problem = null;
            long start = Stopwatch.GetTimestamp();
            long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                FuzzTargets.Run(from.Format, bytes);
            }
            catch (Exception e)
            {
                problem = $"{e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")} at {TopFrame(e)}";
            }
            long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
            double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            slowest = Math.Max(slowest, ms);
            if (allocated > largest.Bytes) largest = (allocated, bytes.Length);
            if (problem is null && ms > TimeLimit.TotalMilliseconds) problem = $"slow: {ms:0} ms";
            if (problem is null && allocated > AllocationBound(bytes.Length)) problem = $"allocated {allocated} bytes for a {bytes.Length}-byte input (bound {AllocationBound(bytes.Length)})";
            if (problem is not null && problems.Add(Key(problem))) failures.Add(new(count, from.Name, mutations, problem, bytes));
        }
        return new(count, clock.Elapsed, slowest, largest, failures);
    }

    /// <summary>Problems that differ only in numbers are the same problem (one reproducer each).</summary>
    private static string Key(string problem)
    {
        int at = problem.IndexOf(" at ", StringComparison.Ordinal);
        string type = problem[..Math.Max(problem.IndexOf(':'), 0)];
        return problem.StartsWith("allocated", StringComparison.Ordinal) ? "allocation"
            : problem.StartsWith("slow", StringComparison.Ordinal) ? "slow"
            : type + (at >= 0 ? problem[at..] : "");
    }

    private static string TopFrame(Exception e)
    {
        var frame = new StackTrace(e, fNeedFileInfo: false).GetFrames().FirstOrDefault(f => f.GetMethod()?.DeclaringType?.Namespace?.StartsWith("Recurrent", StringComparison.Ordinal) == true && f.GetMethod()?.DeclaringType?.Namespace?.StartsWith("Recurrent.Tests", StringComparison.Ordinal) == false);
        var method = frame?.GetMethod();
        return method is null ? "(no Recurrent frame)" : $"{method.DeclaringType?.Name}.{method.Name}";
    }
}
