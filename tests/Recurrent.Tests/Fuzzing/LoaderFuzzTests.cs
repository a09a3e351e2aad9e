using System.Globalization;
using Recurrent.Data.Text;
using Recurrent.Models;
using Recurrent.Serialization;
using Xunit.Abstractions;

namespace Recurrent.Tests.Fuzzing;

/// <summary>
/// Runs <see cref="LoaderFuzzer"/> on a fixed-seed corpus of 10,000 inputs (about 10 s here); a longer campaign sets
/// <c>RECURRENT_FUZZ_MINUTES</c> (and optionally <c>RECURRENT_FUZZ_SEED</c>, <c>RECURRENT_FUZZ_OUT</c>), as
/// <c>bench/fuzz.sh</c> does.
/// </summary>
public class LoaderFuzzTests(ITestOutputHelper output)
{
    private const long CorpusInputs = 10_000;
    private const ulong CorpusSeed = 14;

    [Fact]
    public void EverySeedFileLoads()
    {
        foreach (var seed in FuzzSeeds.All)
        {
            if (seed.Format == FuzzFormat.Corpus) CharCorpus.Parse(seed.Bytes, seed.Name);
            else if (seed.Name != "plain-safetensors") Model.Read<float>(seed.Bytes, seed.Name);
            else SafetensorsFile.Parse(seed.Bytes, seed.Name);
        }
    }

    [Fact]
    public void LoadersRaiseOnlyInvalidDataExceptionQuicklyAndWithinTheAllocationBound()
    {
        double? minutes = Environment.GetEnvironmentVariable("RECURRENT_FUZZ_MINUTES") is { Length: > 0 } m ? double.Parse(m, CultureInfo.InvariantCulture) : null;
        ulong seed = Environment.GetEnvironmentVariable("RECURRENT_FUZZ_SEED") is { Length: > 0 } s ? ulong.Parse(s, CultureInfo.InvariantCulture) : CorpusSeed;
        var report = minutes is { } campaign
            ? LoaderFuzzer.Run(seed, long.MaxValue, TimeSpan.FromMinutes(campaign))
            : LoaderFuzzer.Run(seed, CorpusInputs, TimeSpan.FromMinutes(5));

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"seed {seed}: {report.Inputs} inputs in {report.Elapsed.TotalSeconds:0.0} s, slowest {report.SlowestMilliseconds:0.0} ms, largest allocation {report.LargestAllocation.Bytes} bytes (input of {report.LargestAllocation.InputLength} bytes), {report.Failures.Count} distinct failures"));
        string? folder = Environment.GetEnvironmentVariable("RECURRENT_FUZZ_OUT");
        foreach (var f in report.Failures)
        {
            output.WriteLine($"#{f.Index} from {f.Seed} by {f.Mutations}: {f.Problem}");
            if (folder is null) output.WriteLine($"  {f.Bytes.Length} bytes; set RECURRENT_FUZZ_OUT to save them");
            if (folder is { Length: > 0 })
            {
                Directory.CreateDirectory(folder);
                File.WriteAllBytes(Path.Combine(folder, $"crash-{seed}-{f.Index}.bin"), f.Bytes);
                File.WriteAllText(Path.Combine(folder, $"crash-{seed}-{f.Index}.txt"), $"{f.Seed} by {f.Mutations}: {f.Problem}\n");
            }
        }
        if (minutes is null) Assert.Equal(CorpusInputs, report.Inputs);
        if (report.Failures.Count > 0)
        {
            var first = report.Failures[0];
            Assert.Fail($"{report.Failures.Count} inputs broke the loaders' contract; the first: #{first.Index} from {first.Seed} by {first.Mutations}: {first.Problem}");
        }
    }
}
