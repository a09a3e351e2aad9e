using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Recurrent.Cli.Bench;
using Recurrent.Data.Text;
using Recurrent.Distributed;
using Recurrent.Layers;
using Recurrent.Lecture.Data;
using Recurrent.Models;
using Recurrent.Tensors;
using Recurrent.Training;
using Spectre.Console;

namespace Recurrent.Cli.Commands;

/// <summary>
/// <c>recurrent bench distributed</c>: what data-parallel training costs on this machine or network. Under
/// <c>mpirun -np N</c>: the all-reduce's time and bandwidth against message size (4 KB … 64 MB), then the char-LM's
/// training step with the ranks sharing each batch, and the share of it spent in the all-reduce. Without mpirun: the
/// same char-LM step in one process, to compare with (run it with <c>--threads 1</c> and <c>--threads 2</c>).
/// </summary>
/// <remarks>
/// Every rank makes the same number of collective calls (fixed repetitions, no timing-driven loop), as MPI requires.
/// Bandwidth is reported both as the algorithm's (bytes ÷ time) and as the "bus" bandwidth 2(N−1)/N × bytes ÷ time,
/// the bytes a ring all-reduce moves through each link, which is comparable across N (NCCL's convention).
/// </remarks>
internal static class BenchDistributedCommand
{
    public static Command Create()
    {
        var what = new Option<string>("--what") { Description = "allreduce, charlm, or both.", DefaultValueFactory = _ => "both" };
        what.AcceptOnlyFromAmong("allreduce", "charlm", "both");
        var maxBytes = new Option<int>("--max-mb") { Description = "Largest all-reduce message, in MB (sizes 4 KB × 4ᵏ up to it).", DefaultValueFactory = _ => 64 };
        var steps = new Option<int>("--steps") { Description = "Timed char-LM steps (after 5 untimed ones).", DefaultValueFactory = _ => 30 };
        var batch = new Option<int>("--batch") { Description = "Char-LM global batch B (windows per step, shared by the ranks).", DefaultValueFactory = _ => 32 };
        var threads = CommonOptions.Threads();
        var json = CommonOptions.Json();
        var distributed = DistributedRun.Option();
        var command = new Command("distributed", "All-reduce time and bandwidth against message size, and the char-LM's data-parallel step time (run under mpirun -np 2; docs/DISTRIBUTED.md).")
        {
            what, maxBytes, steps, batch, threads, json, distributed,
        };
        command.SetAction(parse => CliErrors.Run(parse, () =>
        {
            var run = DistributedRun.Start(parse.GetValue(distributed)!);
            int t = CommonOptions.ApplyThreads(parse.GetValue(threads));
            string part = parse.GetValue(what)!;
            bool asJson = parse.GetValue(json);
            var group = run.Group;
            if (part != "charlm")
            {
                if (group is { Size: > 1 }) AllReduceSweep(group, Limits.Size(parse.GetValue(maxBytes), 1 << 12, "--max-mb"), asJson);
                else if (!asJson) AnsiConsole.MarkupLine("all-reduce: needs 2 or more ranks (mpirun -np 2 recurrent bench distributed); skipped.");
            }
            if (part != "allreduce") CharLmSteps(group, t, Limits.Size(parse.GetValue(batch), Limits.Batch, "--batch"), CommonOptions.Positive(parse.GetValue(steps), "--steps"), asJson);
            return 0;
        }));
        return command;
    }

    private static void AllReduceSweep(IProcessGroup group, int maxMegabytes, bool json)
    {
        var table = new Table().AddColumns("bytes", "median ms", "algorithm GB/s", "bus GB/s");
        for (long bytes = 4096; bytes <= (long)maxMegabytes << 20; bytes *= 4)
        {
            var values = new float[bytes / 4];
            values.AsSpan().Fill(1f / group.Size);
            int repeats = (int)Math.Clamp((256L << 20) / bytes, 5, 200);
            for (int i = 0; i < 3; i++) group.AllReduce(values);
            var times = new double[repeats];
            group.Barrier();
            var clock = new Stopwatch();
            for (int i = 0; i < repeats; i++)
            {
                clock.Restart();
                group.AllReduce(values);
                times[i] = clock.Elapsed.TotalSeconds;
            }
            Array.Sort(times);
            double seconds = times[repeats / 2], bus = 2.0 * (group.Size - 1) / group.Size * bytes;
            if (json)
            {
                Console.WriteLine(JsonLine.Format(("op", "allreduce"), ("ranks", group.Size), ("bytes", bytes), ("median_ms", Math.Round(seconds * 1e3, 4)),
                    ("algbw_gb_s", Math.Round(bytes / seconds / 1e9, 3)), ("busbw_gb_s", Math.Round(bus / seconds / 1e9, 3))));
            }
            else
            {
                table.AddRow(Size(bytes), F(seconds * 1e3, "F3"), F(bytes / seconds / 1e9, "F2"), F(bus / seconds / 1e9, "F2"));
            }
        }
        if (!json)
        {
            AnsiConsole.MarkupLine($"all-reduce (MPI_Reduce + MPI_Bcast) of floats over {group.Size} ranks, median of repeated calls:");
            AnsiConsole.Write(table);
        }
    }

    /// <summary>
    /// The default char-LM (2×LSTM 256, embedding 64, T = 64) on the built-in corpus: the median time of a training step
    /// and, with a group, the part of it spent in the all-reduce (waiting for the slower rank included).
    /// </summary>
    private static void CharLmSteps(IProcessGroup? group, int threads, int batch, int steps, bool json)
    {
        const int Warmup = 5, Window = 64;
        var text = BuiltInCorpus.Load();
        var model = new CharLanguageModel<float>(new CharModelConfig(text.Vocabulary.Count, 64, new RecurrentSpec { HiddenSize = 256, Layers = 2 }), new Rng(1337));
        var timed = group is null ? null : new TimedProcessGroup(group);
        var trainer = new Trainer<TextBatch>(model, model.Loss, new TrainerOptions { LearningRate = 2e-3, ClipNorm = 5, Seed = 1337, ProcessGroup = timed });
        var windows = new RandomWindowBatcher(text, batch, Window, new Rng(1337));
        var stepTimes = new double[steps];
        var reduceTimes = new double[steps];
        var clock = new Stopwatch();
        for (int i = 0; i < Warmup + steps; i++)
        {
            windows.TryNext(out var b);
            double before = timed?.Seconds ?? 0;
            clock.Restart();
            trainer.TrainStep(b!);
            if (i < Warmup) continue;
            stepTimes[i - Warmup] = clock.Elapsed.TotalSeconds;
            reduceTimes[i - Warmup] = (timed?.Seconds ?? 0) - before;
        }
        Array.Sort(stepTimes);
        Array.Sort(reduceTimes);
        double step = stepTimes[steps / 2], reduce = reduceTimes[steps / 2];
        int ranks = group?.Size ?? 1;
        // The whole global batch's products in one step; the peak is this rank's on its threads × ranks (identical machines assumed).
        double gflops = Flops.CharLmTrainStep(batch, Window, 64, 256, 2, text.Vocabulary.Count) / (step * 1e9);
        double? fraction = MachinePeak.Fraction(gflops / ranks, threads);
        if (json)
        {
            Console.WriteLine(JsonLine.Format([("op", "charlm-distributed"), ("ranks", ranks), ("threads_per_rank", threads), ("B", batch), ("T", Window),
                ("parameters", model.ParameterCount), ("median_ms_per_step", Math.Round(step * 1e3, 3)), ("median_ms_allreduce", Math.Round(reduce * 1e3, 3)),
                ("chars_per_s", Math.Round(batch * Window / step, 1)), .. BenchFields.Speed(gflops, fraction)]));
            return;
        }
        AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"char-LM 2×LSTM 256 ({model.ParameterCount:N0} parameters), B={batch} T={Window}: {ranks} rank(s) × {threads} thread(s): median {step * 1e3:F2} ms per step ({batch * Window / step:F0} chars/s), of which all-reduce {reduce * 1e3:F2} ms; {gflops:F1} GFLOP/s ({BenchFields.Percent(fraction)} of {ranks} × the peak on {threads} thread(s))"));
    }

    private static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    private static string Size(long bytes) => bytes >= 1 << 20 ? $"{bytes >> 20} MB" : $"{bytes >> 10} KB";

    /// <summary>A process group that adds up the time spent in its all-reduces.</summary>
    private sealed class TimedProcessGroup(IProcessGroup inner) : IProcessGroup
    {
        private readonly Stopwatch _clock = new();

        public double Seconds => _clock.Elapsed.TotalSeconds;

        public int Rank => inner.Rank;

        public int Size => inner.Size;

        public void AllReduce(Span<float> values, ReduceOperation operation = ReduceOperation.Sum)
        {
            _clock.Start();
            inner.AllReduce(values, operation);
            _clock.Stop();
        }

        public void Broadcast(Span<float> values, int root = 0) => inner.Broadcast(values, root);

        public void Barrier() => inner.Barrier();
    }
}
