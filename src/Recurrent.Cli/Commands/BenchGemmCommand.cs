using System.CommandLine;
using Recurrent.Cli.Bench;
using Recurrent.Kernels;
using Recurrent.Tensors;
using Spectre.Console;

namespace Recurrent.Cli.Commands;

/// <summary><c>recurrent bench gemm</c>: GFLOP/s of <see cref="Gemm"/> on the shapes a recurrent network multiplies.</summary>
internal static class BenchGemmCommand
{
    private static readonly (int M, int N, int K)[] RnnShapes = [(64, 2048, 512), (32, 512, 128), (1, 1024, 256)];

    public static Command Create()
    {
        var m = new Option<int?>("--m") { Description = "Rows of op(A) and C (with --n and --k: one case instead of the suite)." };
        var n = new Option<int?>("--n") { Description = "Columns of op(B) and C." };
        var k = new Option<int?>("--k") { Description = "Inner dimension." };
        var transA = new Option<bool>("--transA") { Description = "op(A) = Aᵀ (A stored K×M)." };
        var transB = new Option<bool>("--transB") { Description = "op(B) = Bᵀ (B stored N×K)." };
        var threads = CommonOptions.Threads();
        var json = CommonOptions.Json();
        var command = new Command("gemm",
            "Median GFLOP/s of C = op(A)·op(B) in float32: 2048³, then 64×2048×512, 32×512×128 and 1×1024×256 in all four transpose combinations.")
        {
            m, n, k, transA, transB, threads, json,
        };
        command.SetAction(parse => CliErrors.Run(parse, () =>
        {
            int t = CommonOptions.ApplyThreads(parse.GetValue(threads));
            bool asJson = parse.GetValue(json);
            var cases = new List<(int M, int N, int K, bool TA, bool TB)>();
            int? mv = parse.GetValue(m), nv = parse.GetValue(n), kv = parse.GetValue(k);
            if (mv is not null || nv is not null || kv is not null)
            {
                if (mv is null || nv is null || kv is null) throw new UsageException("--m, --n and --k go together; give all three or none.");
                int mm = Limits.Size(mv.Value, Limits.GemmSize, "--m"), nn = Limits.Size(nv.Value, Limits.GemmSize, "--n"), kk = Limits.Size(kv.Value, Limits.GemmSize, "--k");
                foreach (var (rows, columns, name) in new[] { (mm, kk, "A (--m × --k)"), (kk, nn, "B (--k × --n)"), (mm, nn, "C (--m × --n)") })
                {
                    if ((long)rows * columns > Array.MaxLength) throw new UsageException($"{name} would have {(long)rows * columns:N0} elements, more than an array holds ({Array.MaxLength:N0}).");
                }
                Limits.Memory(4.0 * ((double)mm * kk + (double)kk * nn + (double)mm * nn), $"A GEMM of --m {mm} --n {nn} --k {kk}");
                cases.Add((mm, nn, kk, parse.GetValue(transA), parse.GetValue(transB)));
            }
            else
            {
                cases.Add((2048, 2048, 2048, false, false));
                foreach (var (sm, sn, sk) in RnnShapes)
                {
                    foreach (bool ta in new[] { false, true })
                    {
                        foreach (bool tb in new[] { false, true }) cases.Add((sm, sn, sk, ta, tb));
                    }
                }
            }

            var table = new Table().AddColumns("m", "n", "k", "transA", "transB", "median ms", "GFLOP/s", "of peak");
            foreach (var c in cases)
            {
                double ms = Measure(c.M, c.N, c.K, c.TA, c.TB);
                double gflops = Flops.Gemm(c.M, c.N, c.K) / (ms * 1e6);
                double? fraction = MachinePeak.Fraction(gflops, t);
                if (asJson)
                {
                    Console.WriteLine(JsonLine.Format([("op", "gemm"), ("impl", "recurrent"), ("m", c.M), ("n", c.N), ("k", c.K),
                        ("transA", c.TA), ("transB", c.TB), ("threads", t), ("median_ms", Math.Round(ms, 4)), .. BenchFields.Speed(gflops, fraction)]));
                }
                else
                {
                    table.AddRow($"{c.M}", $"{c.N}", $"{c.K}", $"{c.TA}", $"{c.TB}", $"{ms:F4}", $"{gflops:F1}", BenchFields.Percent(fraction));
                }
            }
            if (!asJson)
            {
                AnsiConsole.MarkupLine($"[bold]GEMM float32[/], {t} thread(s), {Gemm.KernelName} kernel; median of {Timing.Runs} runs; {Markup.Escape(BenchFields.PeakNote(t))}");
                AnsiConsole.Write(table);
            }
            return 0;
        }));
        return command;
    }

    private static double Measure(int m, int n, int k, bool transA, bool transB)
    {
        var rng = new Rng(42);
        float[] a = Tensor.Uniform<float>(rng, -1, 1, m * k).ToArray();
        float[] b = Tensor.Uniform<float>(rng, -1, 1, k * n).ToArray();
        float[] c = new float[m * n];
        long flops = 2L * m * n * k;
        int warmup = flops > 1_000_000_000 ? 2 : 20;
        return Timing.MedianMs(() => Gemm.Multiply<float>(a, b, c, m, n, k, transA, transB), warmup, 0.25);
    }
}
