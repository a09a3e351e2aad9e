using System.CommandLine;
using Recurrent.Cli.Bench;
using Spectre.Console;

namespace Recurrent.Cli.Commands;

/// <summary>
/// <c>recurrent bench peak</c>: this processor's float32 FMA peak in GFLOP/s at 256 and 512 bits, on 1 thread and on
/// all threads, so that every other benchmark's GFLOP/s can be read as a fraction of what this machine can do.
/// </summary>
/// <remarks>
/// Independent FMA chains (<see cref="FmaChains"/>), each FMA 2 flops × lanes; on several threads one chain set per
/// thread, released together, the call timed until the slowest ends (<see cref="PeakMeasurement"/>); the median of
/// <see cref="Timing.Runs"/> runs. 512 bits only where .NET has <c>Avx512F</c> enabled (<c>DOTNET_EnableAVX512F=0</c> turns it off).
/// </remarks>
internal static class BenchPeakCommand
{
    private static readonly int[] Widths = [256, 512];

    public static Command Create()
    {
        var json = CommonOptions.Json();
        var command = new Command("peak",
            "FMA peak GFLOP/s (float32) of this processor at 256 and 512 bits, on 1 thread and on all threads; the processor model and instruction sets.")
        {
            json,
        };
        command.SetAction(parse => CliErrors.Run(parse, () =>
        {
            bool asJson = parse.GetValue(json);
            int all = Environment.ProcessorCount;
            int[] threadCounts = all == 1 ? [1] : [1, all];
            var table = new Table().AddColumns("bits", "threads", "GFLOP/s", "GFLOP/s per thread", "instruction set");
            foreach (int bits in Widths)
            {
                foreach (int threads in threadCounts)
                {
                    if (!PeakMeasurement.IsAvailable(bits))
                    {
                        if (!asJson) table.AddRow($"{bits}", $"{threads}", "not available", "", bits == 512 ? "Avx512F disabled or absent" : "Fma disabled or absent");
                        continue;
                    }
                    double gflops = PeakMeasurement.Gflops(bits, threads, warmupSeconds: 0.3, runSeconds: 0.1);
                    if (asJson)
                    {
                        Console.WriteLine(JsonLine.Format(("op", "peak"), ("impl", "recurrent"), ("bits", bits), ("threads", threads),
                            ("gflops", Math.Round(gflops, 2)), ("cpu", MachinePeak.Cpu), ("isa", PeakMeasurement.Isa(bits))));
                    }
                    else
                    {
                        table.AddRow($"{bits}", $"{threads}", $"{gflops:F1}", $"{gflops / threads:F1}", PeakMeasurement.Isa(bits));
                    }
                }
            }
            if (!asJson)
            {
                AnsiConsole.MarkupLine($"[bold]FMA peak, float32[/], {Markup.Escape(MachinePeak.Cpu)}, {all} logical processor(s); {FmaChains.Chains} independent chains per thread, median of {Timing.Runs} runs");
                AnsiConsole.Write(table);
                var sets = new Table().AddColumns("instruction set", "processor", ".NET enabled");
                foreach (var (name, cpu, dotnet) in MachinePeak.InstructionSets())
                {
                    sets.AddRow(name, cpu switch { true => "yes", false => "no", null => "?" }, dotnet switch { true => "yes", false => "no", null => "no .NET 10 class" });
                }
                AnsiConsole.Write(sets);
                AnsiConsole.MarkupLine($"The kernels use {(MachinePeak.KernelBits == 0 ? "no FMA" : $"{MachinePeak.KernelBits}-bit FMAs")}; the other benchmarks' peak_fraction divides by that peak.");
            }
            return 0;
        }));
        return command;
    }
}
