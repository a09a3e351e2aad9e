using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Recurrent.Cli.Bench;
using Recurrent.Cli.Plotting;
using Recurrent.Lecture.Experiments;

namespace Recurrent.Cli.Commands;

/// <summary>
/// <c>recurrent experiment &lt;name&gt;</c>: runs one of the lecture's experiments, prints its markdown tables, writes its
/// plots (PNG and CSV), its tables (<c>results.md</c>) and summary (<c>summary.json</c>) to <c>--out</c>, and with
/// <c>--json</c> ends with one JSON summary line.
/// </summary>
internal static class ExperimentCommand
{
    private static readonly (string Name, string Description, Func<ExperimentSettings, ExperimentReport> Run)[] Experiments =
    [
        (LongTermExperiment.Name, "Elman vs LSTM vs GRU: adding problem at T = 10…400, copy task at T = 100, vanishing gradient.", LongTermExperiment.Run),
        (FeedbackExperiment.Name, "Elman vs Jordan vs Elman–Jordan feedback on delayed echo and running count.", FeedbackExperiment.Run),
        (PoolingExperiment.Name, "Activity recognition on moving shapes: last step vs mean over steps.", PoolingExperiment.Run),
        (AdditionExperiment.Name, "Seq2seq 3-digit addition, exact match on 5,000 held-out problems, with and without attention.", AdditionExperiment.Run),
        (CaptioningExperiment.Name, "1-N captioning of the first frame of moving shapes.", CaptioningExperiment.Run),
        (VideoDescriptionExperiment.Name, "N-M description of moving-shapes clips.", VideoDescriptionExperiment.Run),
    ];

    public static Command Create()
    {
        var command = new Command("experiment", "Run one of the lecture's experiments (sized for 2 cores, each under 10 minutes).");
        foreach (var (name, description, run) in Experiments) command.Subcommands.Add(Create(name, description, run));
        return command;
    }

    private static Command Create(string name, string description, Func<ExperimentSettings, ExperimentReport> run)
    {
        var seed = new Option<ulong>("--seed") { Description = "Seed of the data and the initialisation.", DefaultValueFactory = _ => 1 };
        var steps = new Option<int?>("--steps") { Description = "Training steps per run (default: the experiment's)." };
        var minutes = new Option<double?>("--minutes") { Description = "Wall-clock budget of the whole experiment, shared among its runs (default: the experiment's, under 10)." };
        var output = new Option<string>("--out") { Description = "Folder for plots, tables and summary.", DefaultValueFactory = _ => Path.Combine("runs", name) };
        var save = new Option<bool>("--save") { Description = "Also save the trained models as checkpoints in --out." };
        var quiet = new Option<bool>("--quiet") { Description = "No progress lines on stderr." };
        var threads = CommonOptions.Threads();
        var json = new Option<bool>("--json") { Description = "End with one JSON line summarising the results." };
        var command = new Command(name, description) { seed, steps, minutes, output, save, quiet, threads, json };
        command.SetAction(parse => CliErrors.Run(parse, () =>
        {
            CommonOptions.ApplyThreads(parse.GetValue(threads));
            if (parse.GetValue(steps) is { } s) CommonOptions.Positive(s, "--steps");
            if (parse.GetValue(minutes) is { } m) Limits.Positive(m, Limits.Minutes, "--minutes");
            string folder = parse.GetValue(output)!;
            CommonOptions.PrepareOutputFolder(folder, "--out");
            var clock = Stopwatch.StartNew();
            var settings = new ExperimentSettings
            {
                Seed = parse.GetValue(seed),
                Steps = parse.GetValue(steps),
                Minutes = parse.GetValue(minutes),
                SaveDirectory = parse.GetValue(save) ? folder : null,
                Log = parse.GetValue(quiet) ? null : line => Console.Error.WriteLine($"[{clock.Elapsed:mm\\:ss}] {line}"),
            };
            var report = run(settings);
            Print(report, folder, parse.GetValue(json));
            return 0;
        }));
        return command;
    }

    private static void Print(ExperimentReport report, string folder, bool json)
    {
        var md = new StringBuilder();
        md.Append("## experiment ").Append(report.Name).Append("\n\n");
        foreach (var table in report.Tables) md.Append(table.ToMarkdown()).Append('\n');
        foreach (var note in report.Notes) md.Append("- ").Append(note).Append('\n');
        if (report.Examples.Count > 0)
        {
            md.Append("\nExamples (model → truth):\n\n```\n");
            foreach (var example in report.Examples) md.Append(example).Append('\n');
            md.Append("```\n");
        }
        var plots = report.Plots.Select(p => PngPlots.Write(p, folder)).ToList();
        md.Append('\n').Append(string.Create(CultureInfo.InvariantCulture,
            $"Wall time {report.Seconds:F0} s. Plots in {folder}: {string.Join(", ", plots.Select(Path.GetFileName))}.")).Append('\n');
        File.WriteAllText(Path.Combine(folder, "results.md"), md.ToString());
        // JSON has no NaN or infinity: a diverged run's figure is written as a string.
        var summary = report.Summary.Select(f => f.Value is double d && !double.IsFinite(d) ? (f.Key, (object)d.ToString(CultureInfo.InvariantCulture)) : f);
        (string, object)[] fields = [("experiment", report.Name), .. summary, ("seconds", Math.Round(report.Seconds, 1)), ("out", folder)];
        string line = JsonLine.Format(fields);
        File.WriteAllText(Path.Combine(folder, "summary.json"), line + "\n");
        Console.Write(md.ToString());
        if (json) Console.WriteLine(line);
    }
}
